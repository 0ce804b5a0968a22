import { describe, expect, it } from "vitest";
import { parseExdate } from "../../src/schedule/exdate.ts";
import { parseRrule } from "../../src/schedule/rrule.ts";

describe("parseRrule", () => {
  it("reads the RFC example with every supported part", () => {
    expect(parseRrule("RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR")).toEqual({
      ok: true,
      rule: {
        freq: "WEEKLY",
        interval: 2,
        until: { type: "utc", instant: Date.parse("1997-12-24T00:00:00Z") },
        weekStart: "SU",
        byDay: ["MO", "WE", "FR"],
      },
    });
  });

  it.each([
    ["FREQ=WEEKLY", { freq: "WEEKLY", interval: 1, weekStart: "MO" }],
    ["freq=weekly;byday=tu,th", { freq: "WEEKLY", interval: 1, weekStart: "MO", byDay: ["TU", "TH"] }],
    [
      "FREQ=WEEKLY;COUNT=24;BYDAY=MO,MO,WE",
      { freq: "WEEKLY", interval: 1, weekStart: "MO", count: 24, byDay: ["MO", "WE"] },
    ],
    [
      "FREQ=WEEKLY;UNTIL=20261231",
      { freq: "WEEKLY", interval: 1, weekStart: "MO", until: { type: "date", date: "2026-12-31" } },
    ],
    [
      "FREQ=WEEKLY;UNTIL=20261231T235900",
      {
        freq: "WEEKLY",
        interval: 1,
        weekStart: "MO",
        until: { type: "floating", date: "2026-12-31", time: "23:59:00" },
      },
    ],
  ])("accepts %s", (text, rule) => {
    expect(parseRrule(text)).toEqual({ ok: true, rule });
  });

  it.each([
    ["FREQ=YEARLY;BYMONTH=1", /BYMONTH is not supported/],
    ["FREQ=YEARLY", /FREQ=YEARLY is not supported/],
    ["FREQ=HOURLY", /FREQ=HOURLY is not supported/],
    ["FREQ=MINUTELY", /FREQ=MINUTELY is not supported/],
    ["FREQ=SECONDLY", /FREQ=SECONDLY is not supported/],
    ["FREQ=FORTNIGHTLY", /not an RFC 5545 frequency/],
    ["FREQ=WEEKLY;COUNT=5;UNTIL=20261231", /COUNT and UNTIL/],
    ["FREQ=WEEKLY;BYDAY=1MO", /ordinal/],
    ["FREQ=WEEKLY;BYDAY=-1FR", /ordinal/],
    ["FREQ=WEEKLY;BYDAY=MON", /not a weekday/],
    ["FREQ=WEEKLY;BYDAY=MO,", /not a weekday/],
    ["FREQ=WEEKLY;WKST=XX", /WKST/],
    ["FREQ=WEEKLY;INTERVAL=0", /INTERVAL/],
    ["FREQ=WEEKLY;INTERVAL=1.5", /INTERVAL/],
    ["FREQ=WEEKLY;COUNT=-2", /COUNT/],
    ["FREQ=WEEKLY;UNTIL=20260230", /UNTIL/],
    ["FREQ=WEEKLY;UNTIL=tomorrow", /UNTIL/],
    ["FREQ=WEEKLY;BYHOUR=9", /BYHOUR is not supported/],
    ["FREQ=WEEKLY;FOO=1", /unknown rule part FOO/],
    ["FREQ=WEEKLY;FREQ=WEEKLY", /twice/],
    ["BYDAY=MO", /FREQ is required/],
    ["RRULE:", /empty/],
    ["every monday", /NAME=VALUE/],
    ["", /empty/],
  ])("refuses %s with a reason", (text, reason) => {
    const result = parseRrule(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe("parseRrule, daily and monthly", () => {
  it.each([
    ["FREQ=DAILY;COUNT=5", { freq: "DAILY", interval: 1, weekStart: "MO", count: 5 }],
    [
      "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
      { freq: "DAILY", interval: 1, weekStart: "MO", byDay: ["MO", "TU", "WE", "TH", "FR"] },
    ],
    ["FREQ=DAILY;INTERVAL=366", { freq: "DAILY", interval: 366, weekStart: "MO" }],
    ["FREQ=MONTHLY", { freq: "MONTHLY", interval: 1, weekStart: "MO" }],
    [
      "FREQ=MONTHLY;BYDAY=1SA,+2TU,-1FR,WE,1SA",
      {
        freq: "MONTHLY",
        interval: 1,
        weekStart: "MO",
        byDay: [
          { weekday: "SA", ordinal: 1 },
          { weekday: "TU", ordinal: 2 },
          { weekday: "FR", ordinal: -1 },
          { weekday: "WE" },
        ],
      },
    ],
    [
      "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=1,-1,31,1;UNTIL=20271231",
      {
        freq: "MONTHLY",
        interval: 12,
        weekStart: "MO",
        byMonthDay: [1, -1, 31],
        until: { type: "date", date: "2027-12-31" },
      },
    ],
    [
      "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
      { freq: "MONTHLY", interval: 1, weekStart: "MO", byDay: [{ weekday: "FR" }], byMonthDay: [13] },
    ],
  ])("accepts %s", (text, rule) => {
    expect(parseRrule(text)).toEqual({ ok: true, rule });
  });

  it.each([
    ["FREQ=DAILY;BYDAY=1MO", /ordinal weekdays are for monthly rules, not FREQ=DAILY/],
    ["FREQ=WEEKLY;BYDAY=MO,2TU", /ordinal weekdays are for monthly rules, not FREQ=WEEKLY/],
    ["FREQ=WEEKLY;BYMONTHDAY=1", /BYMONTHDAY is for monthly rules, not FREQ=WEEKLY/],
    ["FREQ=DAILY;BYMONTHDAY=1", /BYMONTHDAY is for monthly rules, not FREQ=DAILY/],
    ["FREQ=MONTHLY;BYDAY=6MO", /ordinal must be 1–5/],
    ["FREQ=MONTHLY;BYDAY=-6MO", /ordinal must be 1–5/],
    ["FREQ=MONTHLY;BYDAY=0MO", /ordinal must be 1–5/],
    ["FREQ=MONTHLY;BYDAY=+MO", /not a weekday/],
    ["FREQ=MONTHLY;BYMONTHDAY=0", /BYMONTHDAY 0 must be 1–31/],
    ["FREQ=MONTHLY;BYMONTHDAY=32", /BYMONTHDAY 32 must be 1–31/],
    ["FREQ=MONTHLY;BYMONTHDAY=-32", /BYMONTHDAY -32 must be 1–31/],
    ["FREQ=MONTHLY;BYMONTHDAY=1,,2", /BYMONTHDAY \(empty\)/],
    ["FREQ=MONTHLY;BYMONTHDAY=first", /BYMONTHDAY first/],
    ["FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", /BYSETPOS is not supported: use an ordinal BYDAY/],
    ["FREQ=MONTHLY;BYYEARDAY=100", /BYYEARDAY is not supported/],
    ["FREQ=MONTHLY;BYWEEKNO=20", /BYWEEKNO is not supported/],
    ["FREQ=MONTHLY;BYMONTH=6", /BYMONTH is not supported/],
    ["FREQ=DAILY;BYMINUTE=30", /BYMINUTE is not supported: a track meets once a day/],
    ["FREQ=DAILY;BYSECOND=0", /BYSECOND is not supported/],
    ["FREQ=MONTHLY;INTERVAL=13", /INTERVAL must be a whole number 1–12 for FREQ=MONTHLY/],
    ["FREQ=DAILY;INTERVAL=367", /INTERVAL must be a whole number 1–366 for FREQ=DAILY/],
    ["FREQ=WEEKLY;INTERVAL=53", /INTERVAL must be a whole number 1–52 for FREQ=WEEKLY/],
    ["FREQ=DAILY;COUNT=1001", /COUNT must be a whole number 1–1000/],
    ["FREQ=MONTHLY;COUNT=2;UNTIL=20261231", /COUNT and UNTIL/],
  ])("refuses %s with a reason", (text, reason) => {
    const result = parseRrule(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe("parseExdate", () => {
  it.each([
    ["2026-11-26", [{ type: "date", date: "2026-11-26" }]],
    ["20261126", [{ type: "date", date: "2026-11-26" }]],
    ["20261126T180000Z", [{ type: "utc", instant: Date.parse("2026-11-26T18:00:00Z") }]],
    ["EXDATE:20261126T180000", [{ type: "floating", date: "2026-11-26", time: "18:00:00" }]],
    [
      'EXDATE;TZID="America/New_York":20261126T180000,20261203T180000',
      [
        { type: "zoned", date: "2026-11-26", time: "18:00:00", timeZone: "America/New_York" },
        { type: "zoned", date: "2026-12-03", time: "18:00:00", timeZone: "America/New_York" },
      ],
    ],
    [
      "EXDATE;VALUE=DATE:20261126,20261224",
      [
        { type: "date", date: "2026-11-26" },
        { type: "date", date: "2026-12-24" },
      ],
    ],
  ])("reads %s", (text, values) => {
    expect(parseExdate(text)).toEqual({ ok: true, values });
  });

  it.each([
    ["2026-02-30", /real calendar date/],
    ["EXDATE;TZID=Eastern Standard Time:20261126T180000", /unknown TZID/],
    ["EXDATE;VALUE=DATE:20261126T180000", /VALUE=DATE/],
    ["20261126T250000Z", /is not/],
    ["next thursday", /is not/],
    ["", /is not/],
  ])("refuses %s", (text, reason) => {
    const result = parseExdate(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
