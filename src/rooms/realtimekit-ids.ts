import type { RoomStore } from "./room-store.ts";

/** RealtimeKit's ids for one occurrence: its meeting, and a participant's enrolment (never a token). */
export interface RealtimeKitIds {
  meetingId: string | null;
  rtkParticipantId: string | null;
}

/**
 * Read, and optionally record, RealtimeKit's ids in the room's meta (`rtk:meeting`, `rtk:p:<id>`).
 * The first meeting id recorded wins: two joins that raced to create a meeting both end up in the
 * one the room kept (the other is left unused). Synchronous: one step of the room's.
 */
export function realtimeKitIds(
  store: RoomStore,
  participantId: string,
  put: { meetingId?: string; rtkParticipantId?: string | null } = {},
): RealtimeKitIds {
  if (put.meetingId && !store.getMeta<string>("rtk:meeting")) store.setMeta("rtk:meeting", put.meetingId);
  if (put.rtkParticipantId !== undefined) store.setMeta(`rtk:p:${participantId}`, put.rtkParticipantId);
  return {
    meetingId: store.getMeta<string>("rtk:meeting"),
    rtkParticipantId: store.getMeta<string>(`rtk:p:${participantId}`),
  };
}
