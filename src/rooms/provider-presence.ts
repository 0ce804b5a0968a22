import type { LiveMessage } from "../../schemas/live.ts";
import { isoInstant } from "../lib/clock.ts";
import type { ProviderFact } from "./binding.ts";
import type { LiveChannel } from "./live-channel.ts";
import type { RoomStore } from "./room-store.ts";

/**
 * How long after a room's records were written a late platform fact still amends them. LiveKit
 * retries failed deliveries and may hold events back; a day covers that with room to spare, and
 * after it the record only changes through a staff correction.
 */
export const LATE_FACTS_MS = 24 * 3600_000;

/**
 * Record what the video platform reported: a connect, a disconnect, or the room's end (everyone
 * still connected leaves then). A repeated event id changes nothing. Live rooms announce the change;
 * after the records were written a late fact is kept and answered `amends`, so the caller rewrites
 * the records it changes as new versions.
 */
export function recordProviderFact(
  store: RoomStore,
  live: LiveChannel,
  fact: ProviderFact,
  now: number,
): "recorded" | "amends" | "ignored" {
  const finalAt = store.getMeta<number>("finalizedAt");
  if (finalAt !== null && now > finalAt + LATE_FACTS_MS) return "ignored";
  const facts =
    fact.type === "room-finished"
      ? store
          .participants()
          .filter((p) => store.connected(p.id))
          .map((p) => ({ ...fact, eventId: `${fact.eventId}:${p.id}`, identity: p.id, type: "disconnect" as const }))
      : [{ ...fact, type: fact.type as "connect" | "disconnect" }];
  let fresh = 0;
  for (const f of facts) {
    const p = store.participant(f.identity);
    if (!p || !store.addPresence(`provider:${f.eventId}`, f.identity, f.type, f.at, "provider")) continue;
    fresh++;
    if (finalAt !== null) continue;
    const message: LiveMessage =
      f.type === "connect"
        ? { type: "arrived", participantId: f.identity, role: p.role, at: isoInstant(f.at) }
        : { type: "left", participantId: f.identity, at: isoInstant(f.at) };
    live.broadcast(message);
  }
  if (fresh === 0) return "ignored";
  return finalAt === null ? "recorded" : "amends";
}
