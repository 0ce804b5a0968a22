import { SubjectId } from "../../../schemas/common.ts";
import { RoomName } from "../../../schemas/join-token.ts";
import type { PresenceFact } from "../../../schemas/video/livekit-webhook.ts";
import { RealtimeKitWebhookEvent } from "../../../schemas/video/realtimekit-webhook.ts";

/** Presence facts from one RealtimeKit event (none for events presence does not use, or meetings not ours). */
export type RealtimeKitNormalized = { ok: true; facts: PresenceFact[] } | { ok: false; reason: "invalid-payload" };

/**
 * A verified RealtimeKit event as presence facts at the platform's own times (`joinedAt`, `leftAt`,
 * `endedAt`), so late or reordered deliveries land in the right place. The room is the meeting's title,
 * which the product set to the opaque room name when it made the meeting; the identity is the
 * `customParticipantId` it gave at Add Participant. A meeting titled otherwise, or a participant added
 * under another id (someone added from the dashboard), is not the product's and yields nothing.
 * `eventId` is the verified delivery id (the body's hash: the body holds no event id of its own).
 */
export function normalizeRealtimeKit(payload: unknown, eventId: string): RealtimeKitNormalized {
  const parsed = RealtimeKitWebhookEvent.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: "invalid-payload" };
  const e = parsed.data;
  if (!Object.hasOwn(PRESENCE, e.event)) return { ok: true, facts: [] };
  const type = PRESENCE[e.event] as PresenceFact["type"];
  if (!e.meeting) return { ok: false, reason: "invalid-payload" };
  const room = e.meeting.title ?? "";
  if (!RoomName.safeParse(room).success) return { ok: true, facts: [] };

  if (type === "room-finished") {
    const at = instant(e.meeting.endedAt);
    return at === null ? { ok: false, reason: "invalid-payload" } : fact(eventId, room, "", type, at);
  }
  const p = e.participant;
  if (!p) return { ok: false, reason: "invalid-payload" };
  const at = instant(type === "connect" ? p.joinedAt : p.leftAt);
  if (at === null) return { ok: false, reason: "invalid-payload" };
  const identity = p.customParticipantId ?? "";
  if (!SubjectId.safeParse(identity).success) return { ok: true, facts: [] };
  return fact(eventId, room, identity, type, at);
}

const PRESENCE: Record<string, PresenceFact["type"]> = {
  "meeting.participantJoined": "connect",
  "meeting.participantLeft": "disconnect",
  // The host ended it or everyone left: whoever is still counted as connected is not.
  "meeting.ended": "room-finished",
};

function instant(iso: string | undefined): number | null {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}

function fact(
  eventId: string,
  room: string,
  identity: string,
  type: PresenceFact["type"],
  at: number,
): RealtimeKitNormalized {
  return { ok: true, facts: [{ eventId, room, identity, type, at }] };
}
