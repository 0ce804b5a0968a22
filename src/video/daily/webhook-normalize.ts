import { SubjectId } from "../../../schemas/common.ts";
import { RoomName } from "../../../schemas/join-token.ts";
import {
  DailyMeetingEndedPayload,
  DailyParticipantPayload,
  DailyWebhookEvent,
} from "../../../schemas/video/daily-webhook.ts";
import type { PresenceFact } from "../../../schemas/video/livekit-webhook.ts";

/** Presence facts from one Daily event (none for events presence does not use, or rooms not ours). */
export type DailyNormalized = { ok: true; facts: PresenceFact[] } | { ok: false; reason: "invalid-payload" };

const PRESENCE: Record<string, PresenceFact["type"]> = {
  "participant.joined": "connect",
  "participant.left": "disconnect",
  // "Emitted when the last participant in a call leaves" (after up to 20 s for reconnections): nobody is left.
  "meeting.ended": "room-finished",
};

/**
 * A verified Daily event as presence facts at the times the payload documents, not `event_ts` (when the
 * webhook was sent, later and retried): a join at `joined_at`, a leave at `joined_at + duration`, the end
 * of a meeting at `end_ts`. `eventId` is Daily's event `id`: dedupe on it. The room is the payload's room
 * name and the identity its `user_id`, which the product's token set (`ud`); a room not named as the
 * product names rooms, or a participant without one of its ids (someone joined from the dashboard), is
 * not the product's and yields nothing.
 */
export function normalizeDaily(payload: unknown): DailyNormalized {
  const parsed = DailyWebhookEvent.safeParse(payload);
  if (!parsed.success) return INVALID;
  const e = parsed.data;
  if (!Object.hasOwn(PRESENCE, e.type)) return { ok: true, facts: [] };
  const type = PRESENCE[e.type] as PresenceFact["type"];

  if (type === "room-finished") {
    const ended = DailyMeetingEndedPayload.safeParse(e.payload);
    if (!ended.success) return INVALID;
    if (!RoomName.safeParse(ended.data.room).success) return { ok: true, facts: [] };
    return fact(e.id, ended.data.room, "", type, ended.data.end_ts);
  }
  const p = DailyParticipantPayload.safeParse(e.payload);
  if (!p.success) return INVALID;
  const { room, user_id: identity, joined_at: joinedAt, duration } = p.data;
  if (type === "disconnect" && duration === undefined) return INVALID;
  if (!RoomName.safeParse(room).success || !SubjectId.safeParse(identity).success) return { ok: true, facts: [] };
  return fact(e.id, room, identity, type, type === "connect" ? joinedAt : joinedAt + (duration ?? 0));
}

const INVALID: DailyNormalized = { ok: false, reason: "invalid-payload" };

function fact(
  eventId: string,
  room: string,
  identity: string,
  type: PresenceFact["type"],
  seconds: number,
): DailyNormalized {
  const at = Math.round(seconds * 1000);
  if (!Number.isSafeInteger(at) || at <= 0) return INVALID;
  return { ok: true, facts: [{ eventId, room, identity, type, at }] };
}
