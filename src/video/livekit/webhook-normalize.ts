import { LivekitWebhookEvent, type PresenceFact } from "../../../schemas/video/livekit-webhook.ts";

/** Presence facts from one LiveKit event (none for events the ledger does not use). */
export type LivekitNormalized = { ok: true; facts: PresenceFact[] } | { ok: false; reason: "invalid-payload" };

const PRESENCE: Record<string, PresenceFact["type"]> = {
  participant_joined: "connect",
  participant_left: "disconnect",
  // The client never completed its connection (or dropped during it): it is not present.
  participant_connection_aborted: "disconnect",
  // The room was closed (emptied or deleted): whoever is still connected is not any more.
  room_finished: "room-finished",
};

/**
 * A verified LiveKit `WebhookEvent` as a presence fact stamped with the provider's own time
 * (`createdAt`, unix seconds), so late or reordered deliveries still land in the right place.
 */
export function normalizeLivekit(payload: unknown): LivekitNormalized {
  const parsed = LivekitWebhookEvent.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: "invalid-payload" };
  const e = parsed.data;
  if (!Object.hasOwn(PRESENCE, e.event)) return { ok: true, facts: [] };
  const type = PRESENCE[e.event] as PresenceFact["type"];
  if (!e.room || (type !== "room-finished" && !e.participant) || e.createdAt === undefined) {
    return { ok: false, reason: "invalid-payload" };
  }
  const seconds = Number(e.createdAt);
  if (!Number.isSafeInteger(seconds) || seconds <= 0) return { ok: false, reason: "invalid-payload" };
  return {
    ok: true,
    facts: [
      {
        eventId: e.id,
        room: e.room.name,
        identity: e.participant?.identity ?? "",
        type,
        at: seconds * 1000,
      },
    ],
  };
}
