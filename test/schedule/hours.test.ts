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

describe("scheduledWeeklyMinutes for daily and monthly rules", () => {
  const hours = (rrule: string, startsOn = "2026-03-02") =>
    minutesOf({ rrule, startTime: "18:00", endTime: "21:00", startsOn });

  it("counts a weekday program (DAILY, BYDAY MO–FR) as five sessions a week", () => {
    expect(hours("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR")).toBe(900);
    expect(hours("FREQ=DAILY")).toBe(7 * 180);
  });

  it("averages DAILY intervals over the weekdays they reach", () => {
    // Every other day reaches each weekday once a fortnight: 3.5 sessions a week.
    expect(hours("FREQ=DAILY;INTERVAL=2")).toBe(630);
    // Every other day on weekdays only: 5 of the 7 days in a fortnight's 7 sessions.
    expect(hours("FREQ=DAILY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR")).toBe(450);
    // Every 7 days stays on startsOn's weekday (a Monday here): met, or never reached.
    expect(hours("FREQ=DAILY;INTERVAL=7;BYDAY=MO,TU")).toBe(180);
    expect(hours("FREQ=DAILY;INTERVAL=14")).toBe(90);
  });

  it("reports a monthly 3-hour night as about 3 h × 12 / 52 a week", () => {
    // 4800 first Saturdays in the 20,871 weeks of a 400-year cycle: 180 × 4800 / 20871 = 41.4.
    expect(hours("FREQ=MONTHLY;BYDAY=1SA")).toBe(41);
    expect(hours("FREQ=MONTHLY;BYMONTHDAY=15")).toBe(41);
    expect(hours("FREQ=MONTHLY;BYMONTHDAY=1,-1")).toBe(83);
    expect(hours("FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR")).toBe(14);
  });

  it("counts months without the day as months without a session", () => {
    // The 31st exists in 7 months of 12; a fifth Friday in 29.2425 / 7 of them a year.
    expect(hours("FREQ=MONTHLY;BYMONTHDAY=31")).toBe(Math.round((180 * 7 * 400) / 20871));
    expect(hours("FREQ=MONTHLY;BYDAY=5FR")).toBe(Math.round((180 * 400 * (29.2425 / 7)) / 20871));
  });

  it("counts every such weekday of the month as once a week", () => {
    expect(hours("FREQ=MONTHLY;BYDAY=TU,TH")).toBe(360);
  });

  it("still takes the weekly fields alone for a weekly average", () => {
    expect(scheduledWeeklyMinutes({ days: ["MO", "WE"], interval: 2, startTime: "09:00", endTime: "12:00" })).toBe(180);
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
