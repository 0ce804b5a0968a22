import { createHash } from "node:crypto";
import type { AttendanceRecord } from "../../schemas/attendance.ts";
import type { Enrollment } from "../../schemas/enrollment.ts";
import type { EventType, QueuedEvent } from "../../schemas/events.ts";
import type { Session } from "../../schemas/session.ts";
import { isoInstant } from "../lib/clock.ts";
import { PART2_NOTICE } from "./part2-notice.ts";

/**
 * The event catalogue, pure: which change becomes which event, with what data. Payloads carry
 * opaque ids, kinds, statuses, minutes and times only, never a name or an e-mail. Each event's id
 * is derived from what it is about (the session and its version, the record and its version, the
 * client and the week), so handing the same change over twice yields the same event once.
 */

/** Where an event comes from: its program and whether Part 2's redisclosure notice must ride along. */
export interface EventSource {
  programId: string;
  part2: boolean;
}

/** The stable id of the event `type` about `about` in a program: `msg_` and 128 bits of SHA-256. */
export function eventId(programId: string, type: EventType, about: string): string {
  return `msg_${createHash("sha256").update(`${programId}\n${type}\n${about}`).digest("hex").slice(0, 32)}`;
}

/** The Standard Webhooks body: type, timestamp and data, with the Part 2 notice where the program needs it. */
export function eventOf(
  src: EventSource,
  type: EventType,
  about: string,
  occurredAt: number,
  data: Record<string, unknown>,
): QueuedEvent {
  const body = {
    type,
    timestamp: isoInstant(occurredAt),
    data: { programId: src.programId, ...data },
    ...(src.part2 ? { notice: PART2_NOTICE } : {}),
  };
  return { id: eventId(src.programId, type, about), type, occurredAt, body: JSON.stringify(body) };
}

const sessionData = (s: Session) => ({
  sessionId: s.id,
  trackId: s.trackId,
  kind: s.kind,
  status: s.status,
  startsAt: s.startsAt,
  endsAt: s.endsAt,
  version: s.version,
  facilitatorIds: s.facilitatorIds,
  clientIds: s.clientIds,
  familyIds: s.familyIds,
});

/**
 * What a session's change says: scheduled (new, or back from cancelled), moved (its time changed),
 * cancelled (cancelled, or removed as a duplicate). Other changes (people, cap) say nothing.
 */
export function sessionEvent(src: EventSource, before: Session | null, after: Session | null): QueuedEvent | null {
  if (!after) {
    if (!before || before.status === "cancelled") return null;
    // Removed as a calendar duplicate: said as the cancellation it is, one version on.
    const gone = { ...before, status: "cancelled" as const, version: before.version + 1 };
    const at = Date.parse(before.updatedAt);
    return eventOf(src, "session.cancelled", `${before.id}:v${gone.version}`, at, {
      ...sessionData(gone),
      removed: true,
    });
  }
  const at = Date.parse(after.updatedAt);
  const about = `${after.id}:v${after.version}`;
  if (after.status === "cancelled") {
    if (before?.status === "cancelled" || !before) return null;
    return eventOf(src, "session.cancelled", about, at, sessionData(after));
  }
  if (!before || before.status === "cancelled") return eventOf(src, "session.scheduled", about, at, sessionData(after));
  if (before.startsAt !== after.startsAt || before.endsAt !== after.endsAt) {
    const previous = { startsAt: before.startsAt, endsAt: before.endsAt };
    return eventOf(src, "session.moved", about, at, { ...sessionData(after), previous });
  }
  return null;
}

/** Whether an enrollment's change is one `enrollment.changed` reports: created, or its status or track changed. */
export function enrollmentChanged(before: Enrollment | null, after: Enrollment): boolean {
  return !before || before.status !== after.status || before.trackId !== after.trackId;
}

/** An enrollment's `sequence`-th reported change (1: its creation): the sequence keys the id and orders them. */
export function enrollmentEvent(
  src: EventSource,
  before: Enrollment | null,
  after: Enrollment,
  sequence: number,
): QueuedEvent {
  return eventOf(src, "enrollment.changed", `${after.id}:#${sequence}`, Date.parse(after.updatedAt), {
    enrollmentId: after.id,
    sequence,
    clientId: after.clientId,
    trackId: after.trackId,
    status: after.status,
    previous: before ? { status: before.status, trackId: before.trackId } : null,
    startsOn: after.startsOn,
    endsOn: after.endsOn,
  });
}

/** A record written at the session's end (version 1) is finalized; every later version is a correction. */
export function attendanceEvent(src: EventSource, r: AttendanceRecord): QueuedEvent {
  const type = r.version === 1 ? "attendance.finalized" : "attendance.corrected";
  return eventOf(src, type, `${r.sessionId}:${r.clientId}:v${r.version}`, Date.parse(r.recordedAt), {
    sessionId: r.sessionId,
    clientId: r.clientId,
    trackId: r.trackId,
    kind: r.kind,
    localDate: r.localDate,
    isoWeek: r.isoWeek,
    scheduledStart: r.scheduledStart,
    scheduledEnd: r.scheduledEnd,
    scheduledMinutes: r.scheduledMinutes,
    attendedMinutes: r.attendedMinutes,
    status: r.status,
    late: r.late,
    leftEarly: r.leftEarly,
    excuse: r.excuse ? { reasonCode: r.excuse.reasonCode, at: r.excuse.at } : null,
    correction: r.correction,
    version: r.version,
  });
}

/** A client's week that cannot meet the minimum any more, or is in danger of it: once per client and week. */
export function atRiskEvent(
  src: EventSource,
  week: {
    clientId: string;
    isoWeek: string;
    minutesAttended: number;
    minutesRequired: number;
    minutesScheduled: number;
  },
  now: number,
): QueuedEvent {
  return eventOf(src, "client.at-risk", `${week.clientId}:${week.isoWeek}`, now, {
    clientId: week.clientId,
    isoWeek: week.isoWeek,
    minutesAttended: week.minutesAttended,
    minutesRequired: week.minutesRequired,
    minutesStillScheduled: week.minutesScheduled,
    canStillMeetMinimum: week.minutesAttended + week.minutesScheduled >= week.minutesRequired,
  });
}
