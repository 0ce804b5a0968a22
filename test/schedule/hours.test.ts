import { describe, expect, it } from "vitest";
import { formatHours, scheduledWeeklyMinutes, weeklyPlan } from "../../src/schedule/hours.ts";
import { trackPattern } from "../../src/schedule/pattern.ts";

function minutesOf(input: Parameters<typeof trackPattern>[0]): number {
  const built = trackPattern(input);
  if (!built.ok) throw new Error(built.reason);
  return scheduledWeeklyMinutes(built.pattern);
}

describe("scheduledWeeklyMinutes", () => {
  it("counts days times the session length", () => {
    expect(minutesOf({ days: ["MO", "WE", "TH"], startTime: "09:00", endTime: "12:00", startsOn: "2026-03-02" })).toBe(
      540,
    );
    expect(minutesOf({ days: ["TU", "TH"], startTime: "18:00", endTime: "20:30", startsOn: "2026-03-02" })).toBe(300);
  });

  it("reports the average week for every-other-week rules", () => {
    const rrule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR";
    expect(minutesOf({ rrule, startTime: "09:00", endTime: "12:00", startsOn: "2026-03-02" })).toBe(270);
  });

  it("counts an RRULE without BYDAY as one day a week", () => {
    expect(minutesOf({ rrule: "FREQ=WEEKLY", startTime: "09:00", endTime: "12:00", startsOn: "2026-03-02" })).toBe(180);
  });
});

describe("weeklyPlan", () => {
  it("meets the adult minimum of 9 hours with a three-day morning track", () => {
    expect(weeklyPlan({ tracks: [{ scheduledWeeklyMinutes: 540 }], individualMinutes: 0 }, 9)).toEqual({
      scheduledMinutes: 540,
      minimumMinutes: 540,
      meetsMinimum: true,
    });
  });

  it("adds individual and family sessions to the tracks", () => {
    const plan = weeklyPlan({ tracks: [{ scheduledWeeklyMinutes: 480 }], individualMinutes: 60 }, 9);
    expect(plan).toMatchObject({ scheduledMinutes: 540, meetsMinimum: true });
    expect(plan.warning).toBeUndefined();
  });

  it("warns in plain words when a plan falls below the minimum", () => {
    const plan = weeklyPlan({ tracks: [{ scheduledWeeklyMinutes: 360 }], individualMinutes: 50 }, 9);
    expect(plan).toEqual({
      scheduledMinutes: 410,
      minimumMinutes: 540,
      meetsMinimum: false,
      warning: "Scheduled 6 h 50 min a week, below the program minimum of 9 h (2 h 10 min short).",
    });
  });

  it("uses the program's own minimum (6 hours for adolescents)", () => {
    expect(weeklyPlan({ tracks: [{ scheduledWeeklyMinutes: 360 }], individualMinutes: 0 }, 6).meetsMinimum).toBe(true);
    expect(weeklyPlan({ tracks: [], individualMinutes: 0 }, 6).warning).toBe(
      "Scheduled 0 min a week, below the program minimum of 6 h (6 h short).",
    );
  });

  it("formats hours and minutes", () => {
    expect([formatHours(540), formatHours(450), formatHours(45), formatHours(0)]).toEqual([
      "9 h",
      "7 h 30 min",
      "45 min",
      "0 min",
    ]);
  });
});
