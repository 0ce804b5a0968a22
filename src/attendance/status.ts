/**
 * One client's status for one occurrence, from their merged presence and the program policy.
 * Pure: times are epoch milliseconds passed in.
 */
import type { AttendanceStatus } from "../../schemas/attendance.ts";
import { type AttendancePolicy, AttendancePolicy as AttendancePolicyShape } from "../../schemas/attendance-policy.ts";
import {
  clipMs,
  countedWindow,
  MINUTE_MS,
  mergeIntervals,
  roundMinutes,
  type Span,
  wholeMinutes,
} from "./intervals.ts";

/**
 * Defaults a clinic would pick: 10 minutes' grace either side before a client counts as late or
 * as leaving early, 75 % of the scheduled time to count as present, and no minutes outside the
 * scheduled time (billing counts the session as scheduled).
 */
export const DEFAULT_ATTENDANCE_POLICY: Readonly<AttendancePolicy> = Object.freeze(AttendancePolicyShape.parse({}));

/** The policy fields the status rules read; `allowanceMinutes` defaults to 0, `rounding` to the nearest minute. */
export type StatusPolicy = Pick<
  AttendancePolicy,
  "lateToleranceMinutes" | "earlyLeaveToleranceMinutes" | "presentThresholdPercent"
> & { allowanceMinutes?: number; rounding?: AttendancePolicy["rounding"] };

/** One client's presence and the occurrence it is judged against; times in epoch ms. */
export interface OutcomeInput {
  /** The client's merged presence (from `presenceIntervals`). */
  intervals: readonly Span[];
  scheduledStart: number;
  scheduledEnd: number;
  /** Booked for this occurrence (enrolled in the track, or listed): absence is then a no-show. */
  expected: boolean;
  /** Excused by staff before or after the occurrence. */
  excused: boolean;
  policy: StatusPolicy;
  /** When the session actually ended, if earlier than scheduled: leaving with everyone else is not leaving early. */
  endedAt?: number;
}

/** What the rules conclude; instants in epoch ms. */
export interface AttendanceOutcome {
  /** `null` only when the client was neither expected nor present nor excused: there is nothing to record. */
  status: AttendanceStatus | null;
  late: boolean;
  leftEarly: boolean;
  attendedMinutes: number;
  /** The attended time exact to the second (floored), before minute rounding. */
  attendedSeconds: number;
  /** Start of the first interval that overlaps the counted window (epoch ms), or null. */
  firstArrivalAt: number | null;
  /** End of the last interval that overlaps the counted window (epoch ms), or null. */
  lastDepartureAt: number | null;
}

/**
 * The status, in this order of precedence (the first rule that applies wins):
 * 1. `excused` — staff excused the client, whatever their presence;
 * 2. `no-show` — expected and no presence in the counted window (scheduled time ± allowance);
 *    presence only outside that window (a test call the day before) does not count as arriving;
 * 3. `partial` — attended minutes below `presentThresholdPercent` of the scheduled minutes:
 *    not enough time, whatever the reason, so partial outranks late and left-early;
 * 4. `late` — first arrival after start + `lateToleranceMinutes` (exactly at it is on time);
 * 5. `left-early` — last departure before end − `earlyLeaveToleranceMinutes`, unless the
 *    session itself had ended by then;
 * 6. `present` otherwise.
 * `late` and `leftEarly` are reported as booleans independently of the status (a late client who
 * also left early is `late` with both flags set; an excused client keeps the flags their presence earned).
 */
export function attendanceOutcome(input: OutcomeInput): AttendanceOutcome {
  const { scheduledStart: start, scheduledEnd: end, policy } = input;
  const allowance = policy.allowanceMinutes ?? 0;
  const window = countedWindow({ start, end }, allowance);
  const counted = mergeIntervals(input.intervals).filter((s) => s.end > window.start && s.start < window.end);
  const firstArrivalAt = counted[0]?.start ?? null;
  const lastDepartureAt = counted.at(-1)?.end ?? null;
  const attendedMs = clipMs(counted, { start, end }, allowance);
  const attendedMinutes = roundMinutes(attendedMs, policy.rounding ?? "nearest");

  const late = firstArrivalAt !== null && firstArrivalAt > start + policy.lateToleranceMinutes * MINUTE_MS;
  const endedEarly = input.endedAt !== undefined && lastDepartureAt !== null && lastDepartureAt >= input.endedAt;
  const leftEarly =
    lastDepartureAt !== null && !endedEarly && lastDepartureAt < end - policy.earlyLeaveToleranceMinutes * MINUTE_MS;
  // Integer comparison: no rounding of the threshold itself.
  const partial = attendedMinutes * 100 < policy.presentThresholdPercent * wholeMinutes(end - start);

  let status: AttendanceStatus | null;
  if (input.excused) status = "excused";
  else if (counted.length === 0) status = input.expected ? "no-show" : null;
  else if (partial) status = "partial";
  else if (late) status = "late";
  else if (leftEarly) status = "left-early";
  else status = "present";

  const attendedSeconds = Math.floor(attendedMs / 1000);
  return { status, late, leftEarly, attendedMinutes, attendedSeconds, firstArrivalAt, lastDepartureAt };
}
