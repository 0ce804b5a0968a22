/**
 * The roster of one occurrence: every listed participant's presence, minutes and, for clients,
 * status. Computed from the SessionRoom's events, never from a KV listing, so it is exact while
 * the session runs and agrees with the records written at its end.
 */
import type { SessionRoster } from "../../schemas/attendance.ts";
import type { JoinRole } from "../../schemas/join-token.ts";
import { isoInstant } from "../lib/clock.ts";
import { type PresenceEvent, presenceIntervals, toWireIntervals, wholeMinutes } from "./intervals.ts";
import { attendanceOutcome, type StatusPolicy } from "./status.ts";

/** A participant the room knows, with the role their token carries. */
export interface RosterParticipant {
  participantId: string;
  role: JoinRole;
  /** Clients booked for this occurrence: absent, they are no-shows. */
  expected: boolean;
  excused: boolean;
}

/** The room's state: schedule, participants and every presence event so far. */
export interface RosterInput {
  sessionId: string;
  scheduledStart: number;
  scheduledEnd: number;
  /** Everyone the room knows, in display order; events of anyone not listed are ignored. */
  participants: readonly RosterParticipant[];
  events: readonly PresenceEvent[];
  policy: StatusPolicy;
  /** `true` once the session has ended: `asOf` is then its end. */
  final: boolean;
  /** The session's end when final, otherwise "now". */
  asOf: number;
}

/**
 * The roster. While the session runs (`final: false`) each participant is judged on the elapsed
 * part of the schedule only, and someone connected now has not left early; at the end the rules
 * are exactly those of the stored records (`attendanceOutcome`). Staff and family get no status.
 */
export function sessionRoster(input: RosterInput): SessionRoster {
  const { scheduledStart, scheduledEnd, asOf } = input;
  const judgedEnd = input.final ? scheduledEnd : Math.min(scheduledEnd, Math.max(scheduledStart, asOf));
  const spans = presenceIntervals(input.events, { sessionEnd: asOf });
  const instantOrNull = (ms: number | null) => (ms === null ? null : isoInstant(ms));
  return {
    sessionId: input.sessionId,
    scheduledStart: isoInstant(scheduledStart),
    scheduledEnd: isoInstant(scheduledEnd),
    scheduledMinutes: wholeMinutes(scheduledEnd - scheduledStart),
    final: input.final,
    participants: input.participants.map((p) => {
      const intervals = spans.get(p.participantId) ?? [];
      const isClient = p.role === "client";
      const outcome = attendanceOutcome({
        intervals,
        scheduledStart,
        scheduledEnd: judgedEnd,
        expected: isClient && p.expected,
        excused: isClient && p.excused,
        policy: input.policy,
        endedAt: asOf,
      });
      return {
        participantId: p.participantId,
        role: p.role,
        intervals: toWireIntervals(intervals),
        attendedMinutes: outcome.attendedMinutes,
        status: isClient ? outcome.status : null,
        late: outcome.late,
        leftEarly: outcome.leftEarly,
        firstArrivalAt: instantOrNull(outcome.firstArrivalAt),
        lastDepartureAt: instantOrNull(outcome.lastDepartureAt),
        version: null,
        correction: null,
      };
    }),
  };
}
