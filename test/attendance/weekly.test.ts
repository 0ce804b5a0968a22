import { describe, expect, it } from "vitest";
import { type AttendanceRecord, WeeklyAttendance } from "../../schemas/attendance.ts";
import { weeklyAttendance } from "../../src/attendance/weekly.ts";

let seq = 0;
/** A stored record for client `clt_w` in 2026-W48, 180 minutes scheduled. */
function rec(localDate: string, attendedMinutes: number, over: Partial<AttendanceRecord> = {}): AttendanceRecord {
  seq++;
  return {
    programId: "prg_0000000000week",
    sessionId: `ses_00000000000${String(seq).padStart(3, "0")}`,
    clientId: "clt_w",
    trackId: "trk_000000000morn",
    kind: "group",
    localDate,
    isoWeek: "2026-W48",
    scheduledStart: `${localDate}T17:00:00Z`,
    scheduledEnd: `${localDate}T20:00:00Z`,
    scheduledMinutes: 180,
    attendedMinutes,
    firstArrivalAt: null,
    lastDepartureAt: null,
    intervals: [],
    status: attendedMinutes >= 135 ? "present" : attendedMinutes === 0 ? "no-show" : "partial",
    late: false,
    leftEarly: false,
    modality: "telehealth",
    excuse: null,
    correction: null,
    recordedAt: `${localDate}T20:00:01Z`,
    version: 1,
    ...over,
  };
}

const week = (records: AttendanceRecord[], remaining = 0, minimumWeeklyHours = 9, dailyMinimumHours?: number) =>
  WeeklyAttendance.parse(
    weeklyAttendance({
      week: "2026-W48",
      clientId: "clt_w",
      records,
      minimumWeeklyHours,
      dailyMinimumHours,
      remaining: { scheduledMinutes: remaining },
    }),
  );

describe("weeklyAttendance", () => {
  it("meets the 9-hour minimum with three full 3-hour days, each counting for H0015", () => {
    const r = week([rec("2026-11-26", 180), rec("2026-11-23", 180), rec("2026-11-25", 180)]);
    expect(r).toMatchObject({ minutesAttended: 540, minutesRequired: 540, meetsMinimum: true, atRisk: false });
    expect(r.days.map((d) => d.date)).toEqual(["2026-11-23", "2026-11-25", "2026-11-26"]);
    expect(r.days.every((d) => d.meetsDailyMinimum)).toBe(true);
    expect(r.daysMeetingDailyMinimum).toBe(3);
    expect(r.sessions.map((s) => s.localDate)).toEqual(["2026-11-23", "2026-11-25", "2026-11-26"]);
  });

  it("sums sessions of one day, so a 2.5-hour group and a 1-hour individual session make a 3-hour day", () => {
    const r = week([rec("2026-11-24", 150), rec("2026-11-24", 60, { kind: "individual", scheduledMinutes: 60 })]);
    expect(r.days).toEqual([{ date: "2026-11-24", minutes: 210, meetsDailyMinimum: true }]);
    expect(r.sessions).toHaveLength(2);
  });

  it("lists a no-show day with zero minutes, not meeting the day rule", () => {
    const r = week([rec("2026-11-23", 0), rec("2026-11-24", 179)]);
    expect(r.days).toEqual([
      { date: "2026-11-23", minutes: 0, meetsDailyMinimum: false },
      { date: "2026-11-24", minutes: 179, meetsDailyMinimum: false },
    ]);
  });

  it("is at risk exactly when what is left scheduled can no longer reach the minimum", () => {
    const done = [rec("2026-11-23", 180), rec("2026-11-24", 120)];
    expect(week(done, 0)).toMatchObject({ minutesAttended: 300, meetsMinimum: false, atRisk: true });
    expect(week(done, 239).atRisk).toBe(true);
    expect(week(done, 240).atRisk).toBe(false);
    expect(week(done, 360).atRisk).toBe(false);
  });

  it("is never at risk once the minimum is met, and honours a 6-hour adolescent minimum", () => {
    const r = week([rec("2026-11-23", 180), rec("2026-11-24", 180)], 0, 6);
    expect(r).toMatchObject({ minutesRequired: 360, meetsMinimum: true, atRisk: false });
  });

  it("ignores other weeks' and other clients' records", () => {
    const r = week([
      rec("2026-11-23", 180),
      rec("2026-11-30", 180, { isoWeek: "2026-W49" }),
      rec("2026-11-24", 180, { clientId: "clt_other" }),
    ]);
    expect(r.minutesAttended).toBe(180);
    expect(r.sessions).toHaveLength(1);
  });

  it("counts a session stored twice once, the highest version winning whatever the order", () => {
    const v1 = rec("2026-11-23", 100);
    const v2 = { ...v1, attendedMinutes: 170, status: "present" as const, version: 2 };
    for (const records of [
      [v1, v2],
      [v2, v1],
    ]) {
      const r = week(records);
      expect(r.minutesAttended).toBe(170);
      expect(r.sessions).toEqual([expect.objectContaining({ attendedMinutes: 170, status: "present" })]);
    }
  });

  it("uses the daily minimum it is given", () => {
    expect(week([rec("2026-11-23", 120)], 0, 9, 2).days[0]?.meetsDailyMinimum).toBe(true);
    expect(week([rec("2026-11-23", 119)], 0, 9, 2).days[0]?.meetsDailyMinimum).toBe(false);
  });

  it("reports an empty week as at risk only when nothing left can reach the minimum", () => {
    expect(week([], 540)).toMatchObject({ minutesAttended: 0, days: [], sessions: [], atRisk: false });
    expect(week([], 360).atRisk).toBe(true);
  });
});
