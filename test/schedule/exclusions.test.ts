import { describe, expect, it } from "vitest";
import { unmetExclusion } from "../../src/schedule/exclusions.ts";
import { type RecurrenceFields, trackPattern } from "../../src/schedule/pattern.ts";

const LA = "America/Los_Angeles";

function unmet(input: Partial<RecurrenceFields>, timeZone = LA) {
  const built = trackPattern({ startTime: "18:00", endTime: "21:00", startsOn: "2026-03-02", ...input });
  if (!built.ok) throw new Error(built.reason);
  return unmetExclusion(built.pattern, timeZone);
}

describe("unmetExclusion", () => {
  it("accepts skip dates and EXDATEs on days the rule meets, in every EXDATE form", () => {
    expect(
      unmet({
        days: ["MO", "TH"],
        skipDates: ["2026-11-26"],
        exdates: [
          "2026-12-24",
          "EXDATE;VALUE=DATE:20261228,20261231",
          "EXDATE;TZID=America/New_York:20261130T210000",
          // 02:00 UTC on Tuesday is Monday evening in Los Angeles.
          "EXDATE:20261208T020000Z",
        ],
      }),
    ).toBeNull();
  });

  it("names the first skip date on a weekday the track does not meet", () => {
    expect(unmet({ days: ["MO", "TH"], skipDates: ["2026-11-26", "2026-11-27", "2026-11-28"] })).toEqual({
      field: "skipDates.1",
      date: "2026-11-27",
    });
  });

  it("names an EXDATE by its entry, whichever of its values misses", () => {
    expect(unmet({ days: ["MO"], exdates: ["2026-11-30", "EXDATE;VALUE=DATE:20261207,20261208"] })).toEqual({
      field: "exdates.1",
      date: "2026-12-08",
    });
  });

  it("reads a UTC EXDATE in the program's zone", () => {
    // 2026-11-24T02:00Z is Monday evening in Los Angeles but Tuesday in UTC.
    expect(unmet({ days: ["MO"], exdates: ["EXDATE:20261124T020000Z"] })).toBeNull();
    expect(unmet({ days: ["MO"], exdates: ["EXDATE:20261124T020000Z"] }, "UTC")).toEqual({
      field: "exdates.0",
      date: "2026-11-24",
    });
  });

  it("refuses dates outside the track's span: before startsOn, after endsOn", () => {
    expect(unmet({ days: ["MO"], skipDates: ["2026-02-23"] })).toEqual({ field: "skipDates.0", date: "2026-02-23" });
    expect(unmet({ days: ["MO"], endsOn: "2026-06-01", skipDates: ["2026-06-01", "2026-06-08"] })).toEqual({
      field: "skipDates.1",
      date: "2026-06-08",
    });
  });

  it("refuses a date after UNTIL, which is inclusive", () => {
    const rrule = "FREQ=WEEKLY;BYDAY=MO;UNTIL=20260316";
    expect(unmet({ rrule, skipDates: ["2026-03-16"] })).toBeNull();
    expect(unmet({ rrule, skipDates: ["2026-03-23"] })).toEqual({ field: "skipDates.0", date: "2026-03-23" });
  });

  it("counts COUNT from the first occurrence, excluded ones included", () => {
    const rrule = "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=5";
    expect(unmet({ rrule, skipDates: ["2026-03-02", "2026-03-06"] })).toBeNull();
    expect(unmet({ rrule, skipDates: ["2026-03-02", "2026-03-09"] })).toEqual({
      field: "skipDates.1",
      date: "2026-03-09",
    });
  });

  it("knows which days a monthly rule meets", () => {
    const rrule = "FREQ=MONTHLY;BYDAY=1SA,-1FR";
    expect(unmet({ rrule, skipDates: ["2026-03-07", "2026-03-27", "2026-04-04", "2026-04-24"] })).toBeNull();
    expect(unmet({ rrule, skipDates: ["2026-03-07", "2026-03-14"] })).toEqual({
      field: "skipDates.1",
      date: "2026-03-14",
    });
    expect(unmet({ rrule: "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=-1", skipDates: ["2026-04-30"] })).toEqual({
      field: "skipDates.0",
      date: "2026-04-30",
    });
  });

  it("answers at once for a far date of an open-ended rule", () => {
    const started = performance.now();
    expect(unmet({ rrule: "FREQ=DAILY", skipDates: ["9999-12-31"] })).toBeNull();
    expect(unmet({ rrule: "FREQ=MONTHLY;BYDAY=2TU", skipDates: ["9999-12-14"] })).toBeNull();
    expect(unmet({ rrule: "FREQ=MONTHLY;BYDAY=2TU", skipDates: ["9999-12-21"] })).toMatchObject({ date: "9999-12-21" });
    expect(unmet({ rrule: "FREQ=MONTHLY;BYDAY=2TU;COUNT=1000", skipDates: ["9999-12-14"] })).toMatchObject({
      date: "9999-12-14",
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
