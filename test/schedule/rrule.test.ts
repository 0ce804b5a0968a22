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
    ["FREQ=DAILY;COUNT=5", /FREQ=DAILY is not supported/],
    ["FREQ=MONTHLY;BYDAY=1MO", /FREQ=MONTHLY is not supported/],
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
