import { describe, expect, it } from "vitest";
import { AttendanceCorrection, AttendanceRecord } from "../../schemas/attendance.ts";
import { MINUTE_MS } from "../../src/attendance/intervals.ts";
import { applyCorrection, attendanceRecord, type RecordInput } from "../../src/attendance/record.ts";
import { DEFAULT_ATTENDANCE_POLICY } from "../../src/attendance/status.ts";

const START = Date.parse("2026-11-23T17:00:00Z");
const END = START + 180 * MINUTE_MS;

function build(over: Partial<RecordInput> = {}) {
  return attendanceRecord({
    programId: "prg_0000000000reco",
    sessionId: "ses_0000000000reco",
    clientId: "clt_r",
    trackId: null,
    kind: "individual",
    timeZone: "America/Los_Angeles",
    scheduledStart: START,
    scheduledEnd: END,
    intervals: [{ start: START + 40 * MINUTE_MS, end: END }],
    expected: true,
    excuse: null,
    policy: DEFAULT_ATTENDANCE_POLICY,
    endedAt: END,
    recordedAt: END + 5000,
    ...over,
  });
}

function first() {
  const r = build();
  if (!r.ok) throw new Error(r.reason);
  return r.record;
}

describe("attendanceRecord", () => {
  it("builds a version-1 record that the KV value schema accepts", () => {
    const record = AttendanceRecord.parse(first());
    expect(record).toMatchObject({
      status: "late",
      attendedMinutes: 140,
      late: true,
      trackId: null,
      version: 1,
      correction: null,
      recordedAt: "2026-11-23T20:00:05Z",
    });
  });

  it("writes nothing for a client who was neither expected nor present", () => {
    expect(build({ expected: false, intervals: [] })).toEqual({ ok: false, reason: "not-expected-and-absent" });
  });
});

describe("applyCorrection", () => {
  const staff = { by: "fac_1", at: Date.parse("2026-11-24T16:00:00Z") };

  it("excuses a client, keeping the original status, who changed it, and why", () => {
    const r = applyCorrection(first(), { status: "excused", reasonCode: "technical" }, staff);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(AttendanceRecord.parse(r.record)).toMatchObject({
      status: "excused",
      attendedMinutes: 140,
      version: 2,
      recordedAt: "2026-11-24T16:00:00Z",
      excuse: { reasonCode: "technical", by: "fac_1", at: "2026-11-24T16:00:00Z" },
      correction: {
        originalStatus: "late",
        originalMinutes: 140,
        by: "fac_1",
        at: "2026-11-24T16:00:00Z",
        reasonCode: "technical",
      },
    });
  });

  it("keeps the first computed values through a second correction, and drops the excuse when un-excused", () => {
    const once = applyCorrection(first(), { status: "excused", reasonCode: "illness" }, staff);
    if (!once.ok) throw new Error(once.reason);
    const later = { by: "adm_2", at: staff.at + 3_600_000 };
    const twice = applyCorrection(
      once.record,
      { status: "present", attendedMinutes: 175, reasonCode: "admin-error" },
      later,
    );
    if (!twice.ok) throw new Error(twice.reason);
    expect(twice.record).toMatchObject({
      status: "present",
      attendedMinutes: 175,
      excuse: null,
      version: 3,
      correction: { originalStatus: "late", originalMinutes: 140, by: "adm_2", reasonCode: "admin-error" },
    });
  });

  it("refuses more minutes than were scheduled, and a correction that changes nothing", () => {
    expect(applyCorrection(first(), { attendedMinutes: 181, reasonCode: "other" }, staff)).toEqual({
      ok: false,
      reason: "minutes-exceed-scheduled",
    });
    expect(applyCorrection(first(), { status: "late", reasonCode: "other" }, staff)).toEqual({
      ok: false,
      reason: "no-change",
    });
  });
});

describe("AttendanceCorrection", () => {
  it.each([
    ["no change at all", { reasonCode: "illness" }],
    ["free text instead of a reason code", { status: "excused", reasonCode: "relapse over the weekend" }],
    ["an extra note field", { status: "excused", reasonCode: "illness", note: "called in" }],
    ["negative minutes", { attendedMinutes: -5, reasonCode: "other" }],
    ["fractional minutes", { attendedMinutes: 12.5, reasonCode: "other" }],
    ["an unknown status", { status: "sick", reasonCode: "other" }],
  ])("refuses %s", (_label, body) => {
    expect(AttendanceCorrection.safeParse(body).success).toBe(false);
  });

  it("accepts a status, minutes, or both, with a reason code", () => {
    expect(AttendanceCorrection.safeParse({ status: "excused", reasonCode: "illness" }).success).toBe(true);
    expect(AttendanceCorrection.safeParse({ attendedMinutes: 0, reasonCode: "technical" }).success).toBe(true);
  });
});
