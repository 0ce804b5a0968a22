import { describe, expect, it } from "vitest";
import { trackPattern } from "../../src/schedule/pattern.ts";

const base = { startTime: "18:00", endTime: "21:00", startsOn: "2026-03-03" }; // a Tuesday

function pattern(rrule: string, startsOn = base.startsOn) {
  const built = trackPattern({ ...base, rrule, startsOn });
  if (!built.ok) throw new Error(built.reason);
  return built.pattern;
}

describe("trackPattern for daily and monthly rules", () => {
  it("meets every weekday on a DAILY rule without BYDAY, and on BYDAY's weekdays with it", () => {
    expect(pattern("FREQ=DAILY")).toMatchObject({ freq: "DAILY", days: ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] });
    expect(pattern("FREQ=DAILY;BYDAY=MO,FR;INTERVAL=2")).toMatchObject({ days: ["MO", "FR"], interval: 2 });
  });

  it("keeps a MONTHLY rule's ordinals, and its weekdays as the readable copy", () => {
    const p = pattern("FREQ=MONTHLY;BYDAY=1SA,-1SA,2TU");
    expect(p).toMatchObject({
      freq: "MONTHLY",
      days: ["SA", "TU"],
      byDay: [
        { weekday: "SA", ordinal: 1 },
        { weekday: "SA", ordinal: -1 },
        { weekday: "TU", ordinal: 2 },
      ],
    });
    expect(p.byMonthDay).toBeUndefined();
  });

  it("meets on startsOn's day of month when a MONTHLY rule names neither BYDAY nor BYMONTHDAY", () => {
    const p = pattern("FREQ=MONTHLY;INTERVAL=3", "2026-01-31");
    expect(p).toMatchObject({ freq: "MONTHLY", days: [], byMonthDay: [31], interval: 3 });
    expect(p.byDay).toBeUndefined();
  });

  it("leaves days empty for a MONTHLY rule by day of month, which falls on any weekday", () => {
    expect(pattern("FREQ=MONTHLY;BYMONTHDAY=1,-1")).toMatchObject({ days: [], byMonthDay: [1, -1] });
  });

  it("reads a days track and a WEEKLY rule as WEEKLY", () => {
    const built = trackPattern({ ...base, days: ["MO", "TH"] });
    expect(built).toMatchObject({ ok: true, pattern: { freq: "WEEKLY", days: ["MO", "TH"] } });
    expect(pattern("FREQ=WEEKLY")).toMatchObject({ freq: "WEEKLY", days: ["TU"] });
  });

  it("tags each EXDATE value with the entry it came from", () => {
    const built = trackPattern({
      ...base,
      days: ["TU"],
      exdates: ["2026-03-10", "EXDATE;VALUE=DATE:20260317,20260324"],
    });
    expect(built.ok && built.pattern.exdates.map((e) => e.entry)).toEqual([0, 1, 1]);
  });

  it.each([
    ["the 31st every 12 months from April", "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=31", "2026-04-01"],
    ["the first Monday on the 20th", "FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=20", "2026-03-03"],
    ["every 7 days on a weekday other than startsOn's", "FREQ=DAILY;INTERVAL=7;BYDAY=MO", "2026-03-03"],
    ["the 30th every 12 months from February", "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=30,-30", "2026-02-01"],
  ])("refuses a rule that never meets: %s", (_label, rrule, startsOn) => {
    const built = trackPattern({ ...base, rrule, startsOn });
    expect(built).toMatchObject({ ok: false, field: "rrule" });
    expect(!built.ok && built.reason).toMatch(/never meets/);
  });

  it("accepts a rule that meets only rarely (Friday the 13th of February)", () => {
    expect(
      trackPattern({ ...base, rrule: "FREQ=MONTHLY;INTERVAL=12;BYDAY=FR;BYMONTHDAY=13", startsOn: "2026-02-01" }),
    ).toMatchObject({ ok: true });
  });
});
