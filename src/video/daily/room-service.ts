import type { ListParticipantsResult, RoomServiceError, RoomServiceResult } from "../livekit/room-service.ts";
import type { DailyApi, DailyApiError } from "./api.ts";

/**
 * Daily behind the rooms' RoomService (src/rooms/room-platform.ts): a removal or discharge ejects the
 * person by the `user_id` their meeting token set (`POST /rooms/:name/eject`), a room's end deletes
 * the room (everyone is disconnected and nobody can join it again), and the presence poll reads
 * `GET /rooms/:name/presence`. Daily documents no token revocation: the room refuses the next join.
 */
export function dailyRoomService(api: DailyApi): {
  removeParticipant(room: string, identity: string): Promise<RoomServiceResult>;
  deleteRoom(room: string): Promise<RoomServiceResult>;
  listParticipants(room: string): Promise<ListParticipantsResult>;
} {
  return {
    async removeParticipant(room, identity) {
      const r = await api.ejectParticipants(room, [identity]);
      return r.ok ? { ok: true, gone: r.ejected === 0 } : failure(r);
    },
    async deleteRoom(room) {
      const r = await api.deleteRoom(room);
      return r.ok ? { ok: true, gone: r.gone } : failure(r);
    },
    async listParticipants(room) {
      const r = await api.presence(room);
      if (!r.ok) return failure(r);
      // Presence lists people in the call: connected, whatever their media.
      const participants = r.participants.map((p) => ({
        identity: p.userId,
        joinedAtMs: p.joinedAtMs,
        state: "active" as const,
      }));
      return { ok: true, participants };
    },
  };
}

function failure(r: DailyApiError): RoomServiceError {
  const reason = r.reason === "rate-limited" ? "unavailable" : r.reason;
  return { ok: false, retry: r.retry, reason, ...(r.status !== undefined ? { status: r.status } : {}) };
}
