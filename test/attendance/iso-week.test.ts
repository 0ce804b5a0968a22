import { describe, expect, it } from "vitest";
import { clipMinutes } from "../../src/attendance/intervals.ts";
import { isoWeekOf, localDateOf } from "../../src/schedule/zoned.ts";

// Week arithmetic itself is tested in test/schedule/iso-week.test.ts; these are the attendance cases.
const LA = "America/Los_Angeles";

describe("occurrences across a DST change in Los Angeles", () => {
  // DST starts on Sunday 2026-03-08 at 02:00; that Sunday closes week 2026-W10.
  it("counts a Sunday evening group in its local week although it is already Monday in UTC", () => {
    const start = Date.parse("2026-03-08T18:00:00-07:00"); // PDT, the first evening after the change
    expect(new Date(start).toISOString()).toBe("2026-03-09T01:00:00.000Z");
    expect([localDateOf(start, LA), isoWeekOf(start, LA)]).toEqual(["2026-03-08", "2026-W10"]);
    const saturday = Date.parse("2026-03-07T18:00:00-08:00"); // PST, the evening before
    expect([localDateOf(saturday, LA), isoWeekOf(saturday, LA)]).toEqual(["2026-03-07", "2026-W10"]);
  });

  it("gives a 09:00–12:00 group on the morning of the change three real hours", () => {
    // 2026-11-01: clocks fall back at 02:00, so the morning is already PST.
    const start = Date.parse("2026-11-01T09:00:00-08:00");
    const end = Date.parse("2026-11-01T12:00:00-08:00");
    expect(localDateOf(start, LA)).toBe("2026-11-01");
    expect(clipMinutes([{ start: start - 3_600_000, end: end + 3_600_000 }], { start, end }, 0)).toBe(180);
    expect(isoWeekOf(start, LA)).toBe("2026-W44");
  });

  it("uses the program's zone, not UTC, for the date", () => {
    const late = Date.parse("2026-11-23T23:30:00-08:00");
    expect(localDateOf(late, LA)).toBe("2026-11-23");
    expect(localDateOf(late, "UTC")).toBe("2026-11-24");
    expect(localDateOf(late, "Asia/Tokyo")).toBe("2026-11-24");
  });
});
