import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IsoWeek } from "../../schemas/attendance.ts";
import { clipMinutes } from "../../src/attendance/intervals.ts";
import { isoWeekDates, isoWeekOf, localDateAt, occurrenceCalendar } from "../../src/attendance/iso-week.ts";

describe("ISO weeks", () => {
  it.each([
    ["2026-11-23", "2026-W48"], // a Monday
    ["2026-11-29", "2026-W48"], // its Sunday
    ["2026-01-01", "2026-W01"], // a Thursday: week 1 of its own year
    ["2026-12-31", "2026-W53"], // 2026 has 53 weeks
    ["2024-12-30", "2025-W01"], // a Monday in December that belongs to next year
    ["2021-01-03", "2020-W53"], // a Sunday in January that belongs to last year
  ])("puts %s in %s", (date, week) => {
    expect(isoWeekOf(date)).toBe(week);
  });

  it("lists the seven dates of a week from Monday, and refuses a week that does not exist", () => {
    expect(isoWeekDates("2026-W48")).toEqual([
      "2026-11-23",
      "2026-11-24",
      "2026-11-25",
      "2026-11-26",
      "2026-11-27",
      "2026-11-28",
      "2026-11-29",
    ]);
    expect(isoWeekDates("2025-W53")).toBeNull();
    expect(IsoWeek.safeParse("2026-W53").success).toBe(true);
    expect(IsoWeek.safeParse("2026-W00").success).toBe(false);
  });

  it("agrees with itself for every date: a date's week lists that date, Monday first", () => {
    const day = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }).map((ms) => {
      return new Date(ms).toISOString().slice(0, 10);
    });
    fc.assert(
      fc.property(day, (date) => {
        const week = isoWeekOf(date);
        expect(IsoWeek.safeParse(week).success).toBe(true);
        const dates = isoWeekDates(week);
        expect(dates).toContain(date);
        expect(new Date(`${dates?.[0]}T00:00:00Z`).getUTCDay()).toBe(1);
      }),
    );
  });
});

describe("occurrences across a DST change in Los Angeles", () => {
  // DST starts on Sunday 2026-03-08 at 02:00; that Sunday closes week 2026-W10.
  it("counts a Sunday evening group in its local week although it is already Monday in UTC", () => {
    const start = Date.parse("2026-03-08T18:00:00-07:00"); // PDT, the first evening after the change
    expect(new Date(start).toISOString()).toBe("2026-03-09T01:00:00.000Z");
    expect(occurrenceCalendar(start, "America/Los_Angeles")).toEqual({ localDate: "2026-03-08", isoWeek: "2026-W10" });
    const saturday = Date.parse("2026-03-07T18:00:00-08:00"); // PST, the evening before
    expect(occurrenceCalendar(saturday, "America/Los_Angeles")).toEqual({
      localDate: "2026-03-07",
      isoWeek: "2026-W10",
    });
  });

  it("gives a 09:00–12:00 group on the morning of the change three real hours", () => {
    // 2026-11-01: clocks fall back at 02:00, so the morning is already PST.
    const start = Date.parse("2026-11-01T09:00:00-08:00");
    const end = Date.parse("2026-11-01T12:00:00-08:00");
    expect(localDateAt(start, "America/Los_Angeles")).toBe("2026-11-01");
    expect(clipMinutes([{ start: start - 3_600_000, end: end + 3_600_000 }], { start, end }, 0)).toBe(180);
    expect(occurrenceCalendar(start, "America/Los_Angeles").isoWeek).toBe("2026-W44");
  });

  it("uses the program's zone, not UTC, for the date", () => {
    const late = Date.parse("2026-11-23T23:30:00-08:00");
    expect(localDateAt(late, "America/Los_Angeles")).toBe("2026-11-23");
    expect(localDateAt(late, "UTC")).toBe("2026-11-24");
    expect(localDateAt(late, "Asia/Tokyo")).toBe("2026-11-24");
  });
});
