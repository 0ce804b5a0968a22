import { describe, expect, it } from "vitest";
import { AttendancePolicy } from "../../schemas/attendance.ts";
import { MINUTE_MS, type Span } from "../../src/attendance/intervals.ts";
import { attendanceOutcome, DEFAULT_ATTENDANCE_POLICY, type OutcomeInput } from "../../src/attendance/status.ts";

const START = Date.parse("2026-11-23T17:00:00Z"); // 09:00 in Los Angeles
const END = START + 180 * MINUTE_MS;
const at = (min: number) => START + min * MINUTE_MS;
const span = (from: number, to: number): Span => ({ start: at(from), end: at(to) });

function outcome(intervals: Span[], extra: Partial<OutcomeInput> = {}) {
  return attendanceOutcome({
    intervals,
    scheduledStart: START,
    scheduledEnd: END,
    expected: true,
    excused: false,
    policy: DEFAULT_ATTENDANCE_POLICY,
    ...extra,
  });
}

describe("attendanceOutcome", () => {
  it("uses the schema's defaults: 10 min late and early-leave tolerance, 75 % present, no allowance", () => {
    expect(DEFAULT_ATTENDANCE_POLICY).toEqual(AttendancePolicy.parse({}));
    expect(DEFAULT_ATTENDANCE_POLICY).toMatchObject({
      lateToleranceMinutes: 10,
      earlyLeaveToleranceMinutes: 10,
      presentThresholdPercent: 75,
    });
  });

  it("marks arrival exactly at start + tolerance on time, and one millisecond later late", () => {
    expect(outcome([span(10, 180)])).toMatchObject({ status: "present", late: false, attendedMinutes: 170 });
    const late = outcome([{ start: at(10) + 1, end: END }]);
    // 169 min 59.999 s: the nearest minute by default, the second below it under `rounding: "down"`.
    expect(late).toMatchObject({ status: "late", late: true, leftEarly: false, attendedMinutes: 170 });
    expect(late.attendedSeconds).toBe(170 * 60 - 1);
    const down = outcome([{ start: at(10) + 1, end: END }], {
      policy: { ...DEFAULT_ATTENDANCE_POLICY, rounding: "down" },
    });
    expect(down.attendedMinutes).toBe(169);
  });

  it("marks departure exactly at end − tolerance as staying, and earlier as leaving early", () => {
    expect(outcome([span(0, 170)])).toMatchObject({ status: "present", leftEarly: false });
    expect(outcome([{ start: START, end: at(170) - 1 }])).toMatchObject({ status: "left-early", leftEarly: true });
  });

  it("draws the present threshold at 75 % of the scheduled minutes: 135 of 180 is enough, 134 is partial", () => {
    expect(outcome([span(0, 30), span(75, 180)])).toMatchObject({ status: "present", attendedMinutes: 135 });
    expect(outcome([span(0, 30), span(76, 180)])).toMatchObject({ status: "partial", attendedMinutes: 134 });
  });

  it("ranks partial above late and left-early, late above left-early, keeping both flags", () => {
    expect(outcome([span(11, 169)])).toMatchObject({ status: "late", late: true, leftEarly: true });
    expect(outcome([span(40, 120)])).toMatchObject({ status: "partial", late: true, leftEarly: true });
  });

  it("lets an excuse win over presence and absence, keeping what presence showed", () => {
    expect(outcome([span(30, 180)], { excused: true })).toMatchObject({
      status: "excused",
      late: true,
      attendedMinutes: 150,
    });
    expect(outcome([], { excused: true })).toMatchObject({ status: "excused", attendedMinutes: 0 });
  });

  it("records a no-show only for an expected client, and nothing for one who was never due", () => {
    expect(outcome([])).toEqual({
      status: "no-show",
      late: false,
      leftEarly: false,
      attendedMinutes: 0,
      attendedSeconds: 0,
      firstArrivalAt: null,
      lastDepartureAt: null,
    });
    expect(outcome([], { expected: false }).status).toBeNull();
    expect(outcome([span(0, 180)], { expected: false }).status).toBe("present");
  });

  it("does not count a connection wholly outside the scheduled time as arriving", () => {
    const testCall = span(-60, -50);
    expect(outcome([testCall])).toMatchObject({ status: "no-show", firstArrivalAt: null });
    expect(outcome([testCall, span(5, 180)])).toMatchObject({ status: "present", firstArrivalAt: at(5) });
  });

  it("reports the real first arrival and last departure, even outside the counted minutes", () => {
    const r = outcome([span(-5, 60), span(65, 185)]);
    expect(r).toMatchObject({
      status: "present",
      attendedMinutes: 175,
      firstArrivalAt: at(-5),
      lastDepartureAt: at(185),
    });
  });

  it("counts minutes before the start only within the allowance", () => {
    const policy = { ...DEFAULT_ATTENDANCE_POLICY, allowanceMinutes: 5 };
    expect(outcome([span(-20, 200)], { policy }).attendedMinutes).toBe(190);
  });

  it("does not call leaving with everyone else early when the facilitator ends the session early", () => {
    const endedAt = at(150);
    expect(outcome([span(0, 150)], { endedAt })).toMatchObject({
      status: "present",
      leftEarly: false,
      attendedMinutes: 150,
    });
    expect(outcome([span(0, 120)], { endedAt })).toMatchObject({ status: "partial", leftEarly: true });
  });

  it("merges overlapping input itself, so unmerged intervals cannot count twice", () => {
    expect(outcome([span(0, 120), span(60, 180), span(0, 180)]).attendedMinutes).toBe(180);
  });
});
