/**
 * The KV value for one client and one occurrence: built once at session end, then only ever
 * replaced by a staff correction with a higher `version`, the original values kept beside it.
 */
import type {
  AttendanceCorrection,
  AttendanceReasonCode,
  AttendanceRecord,
  AttendanceStatus,
} from "../../schemas/attendance.ts";
import type { SessionKind } from "../../schemas/session.ts";
import { isoInstant } from "../lib/clock.ts";
import { isoWeekOf, localDateOf } from "../schedule/zoned.ts";
import { mergeIntervals, type Span, toWireIntervals, wholeMinutes } from "./intervals.ts";
import { attendanceOutcome, type StatusPolicy } from "./status.ts";

/** What the SessionRoom knows about one client when the session ends. */
export interface RecordInput {
  programId: string;
  sessionId: string;
  clientId: string;
  trackId: string | null;
  kind: SessionKind;
  /** The session's facilitators of record: the clinicians a biller names. */
  clinicianIds?: readonly string[];
  /** The program's IANA zone: the local date and ISO week are counted there. */
  timeZone: string;
  scheduledStart: number;
  scheduledEnd: number;
  /** This client's merged presence, from `presenceIntervals`. */
  intervals: readonly Span[];
  expected: boolean;
  /** Set when staff excused the client before the record was written. */
  excuse: { reasonCode: AttendanceReasonCode; by: string; at: number } | null;
  policy: StatusPolicy;
  /** When the session actually ended (the `sessionEnd` given to `presenceIntervals`). */
  endedAt: number;
  recordedAt: number;
}

/** The record to write, or why there is none. */
export type RecordResult = { ok: true; record: AttendanceRecord } | { ok: false; reason: "not-expected-and-absent" };

/** Version 1 of a client's record, or why there is none to write (a client neither expected, present nor excused). */
export function attendanceRecord(input: RecordInput): RecordResult {
  const intervals = mergeIntervals(input.intervals);
  const outcome = attendanceOutcome({
    intervals,
    scheduledStart: input.scheduledStart,
    scheduledEnd: input.scheduledEnd,
    expected: input.expected,
    excused: input.excuse !== null,
    policy: input.policy,
    endedAt: input.endedAt,
  });
  if (outcome.status === null) return { ok: false, reason: "not-expected-and-absent" };
  // A session belongs to the local date and ISO week of its start in the program's zone.
  const localDate = localDateOf(input.scheduledStart, input.timeZone);
  const isoWeek = isoWeekOf(input.scheduledStart, input.timeZone);
  const instantOrNull = (ms: number | null) => (ms === null ? null : isoInstant(ms));
  return {
    ok: true,
    record: {
      programId: input.programId,
      sessionId: input.sessionId,
      clientId: input.clientId,
      trackId: input.trackId,
      kind: input.kind,
      localDate,
      isoWeek,
      scheduledStart: isoInstant(input.scheduledStart),
      scheduledEnd: isoInstant(input.scheduledEnd),
      scheduledMinutes: wholeMinutes(input.scheduledEnd - input.scheduledStart),
      attendedMinutes: outcome.attendedMinutes,
      attendedSeconds: outcome.attendedSeconds,
      clinicianIds: [...(input.clinicianIds ?? [])],
      firstArrivalAt: instantOrNull(outcome.firstArrivalAt),
      lastDepartureAt: instantOrNull(outcome.lastDepartureAt),
      intervals: toWireIntervals(intervals),
      status: outcome.status,
      late: outcome.late,
      leftEarly: outcome.leftEarly,
      modality: "telehealth",
      excuse: input.excuse && { ...input.excuse, at: isoInstant(input.excuse.at) },
      correction: null,
      recordedAt: isoInstant(input.recordedAt),
      version: 1,
    },
  };
}

/** The next version of the record, or why the correction was refused. */
export type CorrectionResult =
  | { ok: true; record: AttendanceRecord }
  | { ok: false; reason: "minutes-exceed-scheduled" | "no-change" };

/**
 * A staff correction as the next version of the record. `correction.original*` keep the values
 * first computed from presence, even across several corrections, with the latest `by`/`at`/reason.
 * Setting `excused` records the excuse (an existing one is kept); any other status clears it. Status is not recomputed when
 * only minutes change: staff say what they mean. `late`/`leftEarly` stay as presence showed them.
 */
export function applyCorrection(
  record: AttendanceRecord,
  change: AttendanceCorrection,
  actor: { by: string; at: number },
): CorrectionResult {
  if (change.attendedMinutes !== undefined && change.attendedMinutes > record.scheduledMinutes) {
    return { ok: false, reason: "minutes-exceed-scheduled" };
  }
  const status: AttendanceStatus = change.status ?? record.status;
  const attendedMinutes = change.attendedMinutes ?? record.attendedMinutes;
  if (status === record.status && attendedMinutes === record.attendedMinutes) return { ok: false, reason: "no-change" };
  const at = isoInstant(actor.at);
  return {
    ok: true,
    record: {
      ...record,
      status,
      attendedMinutes,
      // A corrected total is whole minutes: the seconds follow it.
      ...(attendedMinutes !== record.attendedMinutes ? { attendedSeconds: attendedMinutes * 60 } : {}),
      excuse: status !== "excused" ? null : (record.excuse ?? { reasonCode: change.reasonCode, by: actor.by, at }),
      correction: {
        originalStatus: record.correction?.originalStatus ?? record.status,
        originalMinutes: record.correction?.originalMinutes ?? record.attendedMinutes,
        by: actor.by,
        at,
        reasonCode: change.reasonCode,
      },
      recordedAt: at,
      version: record.version + 1,
    },
  };
}
