import { describe, expect, it } from "vitest";
import { isoWeekBounds, isoWeekOf, localDateOf, localToInstant, parseIsoWeek } from "../../src/schedule/zoned.ts";

const HOUR = 3_600_000;
const LA = "America/Los_Angeles";

describe("isoWeekOf", () => {
  it.each([
    ["2025-12-29", "2026-W01"], // 1 January 2026 is a Thursday, so week 1 starts on the Monday before
    ["2026-01-01", "2026-W01"],
    ["2026-11-23", "2026-W48"],
    ["2026-12-28", "2026-W53"], // 2026 starts on a Thursday: it has 53 weeks
    ["2026-12-31", "2026-W53"],
    ["2027-01-01", "2026-W53"],
    ["2027-01-03", "2026-W53"],
    ["2027-01-04", "2027-W01"],
    ["2024-12-30", "2025-W01"],
    ["2021-01-03", "2020-W53"],
  ])("puts %s in %s", (date, week) => {
    expect(isoWeekOf(localToInstant(date, "12:00", "UTC"), "UTC")).toBe(week);
  });

  it("uses the local date of the zone, not of UTC", () => {
    const instant = Date.parse("2027-01-04T07:00:00Z"); // Sunday 23:00 on 3 January in Los Angeles
    expect(isoWeekOf(instant, "UTC")).toBe("2027-W01");
    expect(isoWeekOf(instant, LA)).toBe("2026-W53");
    expect(localDateOf(instant, LA)).toBe("2027-01-03");
  });
});

describe("parseIsoWeek", () => {
  it("accepts week 53 only in years that have it", () => {
    expect(parseIsoWeek("2026-W53")).toEqual({ ok: true, year: 2026, week: 53, monday: "2026-12-28" });
    expect(parseIsoWeek("2027-W53")).toEqual({ ok: false, reason: "no-such-week" });
    expect(parseIsoWeek("2026-W01")).toEqual({ ok: true, year: 2026, week: 1, monday: "2025-12-29" });
    expect(parseIsoWeek("2020-W53")).toMatchObject({ ok: true, monday: "2020-12-28" });
  });

  it.each(["2026-W00", "2026-W54"])("refuses %s as no such week", (text) => {
    expect(parseIsoWeek(text)).toEqual({ ok: false, reason: "no-such-week" });
  });

  it.each(["2026W48", "2026-W4", "2026-w48", "26-W48", "2026-W48 ", ""])("refuses %j as malformed", (text) => {
    expect(parseIsoWeek(text)).toEqual({ ok: false, reason: "malformed-week" });
  });
});

describe("isoWeekBounds", () => {
  it("runs from Monday 00:00 local to the next Monday 00:00 local, with its seven dates", () => {
    const w = isoWeekBounds("2026-W48", LA);
    expect(new Date(w.start).toISOString()).toBe("2026-11-23T08:00:00.000Z");
    expect(new Date(w.end).toISOString()).toBe("2026-11-30T08:00:00.000Z");
    expect(w.dates).toEqual([
      "2026-11-23",
      "2026-11-24",
      "2026-11-25",
      "2026-11-26",
      "2026-11-27",
      "2026-11-28",
      "2026-11-29",
    ]);
  });

  it("spans the year boundary in week 53 of 2026", () => {
    const w = isoWeekBounds("2026-W53", "UTC");
    expect(w.dates[0]).toBe("2026-12-28");
    expect(w.dates[6]).toBe("2027-01-03");
    expect(w.end).toBe(isoWeekBounds("2027-W01", "UTC").start);
  });

  it("lasts 167 hours over spring-forward and 169 over fall-back in Los Angeles", () => {
    const spring = isoWeekBounds("2026-W10", LA); // holds Sunday 8 March
    const fall = isoWeekBounds("2026-W44", LA); // holds Sunday 1 November
    const plain = isoWeekBounds("2026-W48", LA);
    expect((spring.end - spring.start) / HOUR).toBe(167);
    expect((fall.end - fall.start) / HOUR).toBe(169);
    expect((plain.end - plain.start) / HOUR).toBe(168);
  });

  it("starts a day at its first instant where midnight is skipped (Santiago, 6 September 2026)", () => {
    // Chile springs forward at 24:00 on Saturday 5 September 2026: Sunday begins at 01:00.
    const w = isoWeekBounds("2026-W36", "America/Santiago");
    expect(w.dates[0]).toBe("2026-08-31");
    expect((w.end - w.start) / HOUR).toBe(167);
  });

  it("throws on text that is not a week, for callers that skipped parseIsoWeek", () => {
    expect(() => isoWeekBounds("2027-W53", LA)).toThrow(RangeError);
  });
});
