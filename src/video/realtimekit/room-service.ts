import type { RoomServiceError, RoomServiceResult } from "../livekit/room-service.ts";
import type { AccountBudget } from "./account-budget.ts";
import type { RealtimeKitApi, RealtimeKitError } from "./api.ts";

/**
 * Removal and the end of a room on RealtimeKit, as the rooms' provider-call outbox sends them
 * (src/rooms/room-upkeep.ts): a removal kicks the person from the live session, then deletes their
 * participant (the stored token stops being handed out at once); a room's end marks its meeting
 * `INACTIVE`, which stops every token of it. Each call is taken from the account's budget first.
 * RealtimeKit's API as this product uses it has no documented list of who is connected now, so
 * there is no presence poll: presence comes from its webhooks. The outbox also deletes the extra
 * participant of a race between two additions for one person (enrolment-runner.ts), queued under
 * `extraIdentity`: that one is only deleted, never kicked (a kick goes by our id, which the kept
 * participant shares), and the room's enrolment is left alone.
 */

/** Marks an outbox identity as an extra RealtimeKit participant: `/` is in no opaque id (schemas/common.ts). */
const EXTRA = "rtk-extra/";

/** The outbox identity that deletes RealtimeKit participant `rtkParticipantId`, an extra nobody was given. */
export function extraIdentity(rtkParticipantId: string): string {
  return `${EXTRA}${rtkParticipantId}`;
}

/** The RealtimeKit participant an outbox identity names as an extra, or null for one of our participants. */
export function extraOf(identity: string): string | null {
  return identity.startsWith(EXTRA) ? identity.slice(EXTRA.length) : null;
}

/** What the service reads and settles in the room's storage (src/rooms/realtimekit-store.ts). */
export interface RealtimeKitLedger {
  meetingId(): string | null;
  /** RealtimeKit's participant id for one of ours, if enrolled in the current meeting. */
  rtkParticipantId(participantId: string): string | null;
  /** The participant was deleted on RealtimeKit: forget their enrolment and token, if it is still that one. */
  removed(participantId: string, rtkParticipantId: string): void;
  /** The meeting is INACTIVE: nothing more to hand out or refresh. */
  meetingEnded(): void;
}

/** The slice of the RoomService the outbox calls; no `listParticipants` (see above). */
export interface RealtimeKitRoomService {
  removeParticipant(room: string, identity: string): Promise<RoomServiceResult>;
  deleteRoom(room: string): Promise<RoomServiceResult>;
}

/** A RoomService over RealtimeKit for one room; `now` is epoch ms. */
export function realtimeKitRoomService(
  api: RealtimeKitApi,
  budget: AccountBudget,
  ledger: RealtimeKitLedger,
  now: () => number,
): RealtimeKitRoomService {
  const taken = async (n: number): Promise<RoomServiceError | null> =>
    (await budget.take(n, now())).ok ? null : { ok: false, retry: true, reason: "unavailable", status: 429 };
  const failed = async (r: RealtimeKitError): Promise<RoomServiceError> => {
    if (r.reason === "rate-limited" && r.retryAt !== undefined) await budget.block(r.retryAt * 1000);
    const reason =
      r.reason === "timeout" || r.reason === "unauthorized" ? r.reason : r.retry ? "unavailable" : "invalid";
    return { ok: false, retry: r.retry, reason, ...(r.status !== undefined ? { status: r.status } : {}) };
  };
  return {
    async removeParticipant(_room, identity) {
      const meetingId = ledger.meetingId();
      const extra = extraOf(identity);
      if (extra !== null) {
        if (!meetingId) return { ok: true, gone: true };
        const refused = await taken(1);
        if (refused) return refused;
        const deleted = await api.removeParticipant(meetingId, extra);
        return deleted.ok ? deleted : failed(deleted);
      }
      const rtkId = ledger.rtkParticipantId(identity);
      if (!meetingId || !rtkId) return { ok: true, gone: true };
      // Always kick: the room's presence may lag the platform's, and a kick of nobody costs one call.
      const refused = await taken(2);
      if (refused) return refused;
      const kicked = await api.kick(meetingId, [identity]);
      if (!kicked.ok && kicked.reason !== "not-found") return failed(kicked);
      const deleted = await api.removeParticipant(meetingId, rtkId);
      if (!deleted.ok) return failed(deleted);
      ledger.removed(identity, rtkId);
      return { ok: true, gone: deleted.gone };
    },
    async deleteRoom() {
      const meetingId = ledger.meetingId();
      if (!meetingId) return { ok: true, gone: true };
      const refused = await taken(1);
      if (refused) return refused;
      const done = await api.deactivateMeeting(meetingId);
      if (!done.ok) return failed(done);
      ledger.meetingEnded();
      return { ok: true, gone: done.gone };
    },
  };
}
