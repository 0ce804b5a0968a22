import type { AttendanceReasonCode, AttendanceRecord, PresenceEvent } from "../../schemas/attendance.ts";
import { presenceIntervals } from "../attendance/intervals.ts";
import { attendanceRecord } from "../attendance/record.ts";
import { DEFAULT_ATTENDANCE_POLICY } from "../attendance/status.ts";
import type { RoomBinding } from "./binding.ts";

/** The attendance policy a room judges by: its program's, or the defaults for a binding stored before the setting existed. */
export function policyOf(binding: RoomBinding) {
  return binding.settings.attendance ?? DEFAULT_ATTENDANCE_POLICY;
}

/** A presence row as the room stores it. */
export interface PresenceRow {
  event_id: string;
  participant_id: string;
  type: "connect" | "disconnect";
  at: number;
  source: string;
}

const SOURCES = new Set(["join", "leave", "admit", "remove", "provider", "end"]);

/** Room rows as attendance events; closing and cancelling count as the session's end. */
export function toPresenceEvents(rows: readonly PresenceRow[]): PresenceEvent[] {
  return rows.map((r) => ({
    eventId: r.event_id,
    participantId: r.participant_id,
    type: r.type,
    at: r.at,
    source: (SOURCES.has(r.source) ? r.source : "end") as PresenceEvent["source"],
  }));
}

/**
 * The records to write at a session's end: one per client who was expected, present or excused.
 * Expected clients with no presence become no-shows. Staff and observers get no record.
 */
export function finalRecords(input: {
  binding: RoomBinding;
  expected: readonly string[];
  attendees: readonly string[];
  events: readonly PresenceEvent[];
  excuses: ReadonlyMap<string, { reasonCode: AttendanceReasonCode; by: string; at: number }>;
  endedAt: number;
  now: number;
}): AttendanceRecord[] {
  const { session, programId } = input.binding;
  const spans = presenceIntervals(input.events, { sessionEnd: input.endedAt });
  const clients = [...new Set([...input.expected, ...input.attendees, ...input.excuses.keys()])].sort();
  const records: AttendanceRecord[] = [];
  for (const clientId of clients) {
    const result = attendanceRecord({
      programId,
      sessionId: session.id,
      clientId,
      trackId: session.trackId,
      kind: session.kind,
      clinicianIds: session.facilitatorIds,
      timeZone: input.binding.timezone,
      scheduledStart: Date.parse(session.startsAt),
      scheduledEnd: Date.parse(session.endsAt),
      intervals: spans.get(clientId) ?? [],
      expected: input.expected.includes(clientId),
      excuse: input.excuses.get(clientId) ?? null,
      policy: policyOf(input.binding),
      endedAt: input.endedAt,
      recordedAt: input.now,
    });
    if (result.ok) records.push(result.record);
  }
  return records;
}
