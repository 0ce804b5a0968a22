import type { RoomParticipant } from "../video/livekit/room-service.ts";

/**
 * Presence from two sources, merged. LiveKit's webhooks are precise but can be lost (it drops events
 * queued over 30 s, or beyond 200 for a room); its participant list, polled while the room is live,
 * is complete but only says who is there now. This turns one poll into presence facts the room
 * records beside the webhook facts; the room orders all facts by time, a connect while connected and
 * a disconnect while disconnected change nothing, and a repeated event id is ignored.
 *
 * Which source wins:
 * - Only identities the room knows count; anyone else listed (egress, agents) is ignored.
 * - Listed `joined` or `active` while the room sees them disconnected: a connect at `joinedAtMs`,
 *   LiveKit's own time for that connection, so the poll loses none of it. The id is the same on every
 *   poll, and the webhook for that join, early or late, changes nothing. A disconnect the room already
 *   has at or after `joinedAtMs` stays last and wins: a connection does not resume.
 * - Connected for the room but not listed, or listed `disconnected`: a disconnect at the poll, the
 *   earliest the product can know, set a second early (`polledAt − WEBHOOK_RESOLUTION_MS`): a
 *   connection that began after the list was made may carry a webhook time rounded down to just
 *   before `polledAt`, and its connect must come after this disconnect to count. A
 *   `participant_left` webhook that arrives later carries LiveKit's earlier time and wins, as the
 *   room's connection closes at its first disconnect.
 * - Listed with a newer connection than the one the room sees connected (begun more than
 *   `WEBHOOK_RESOLUTION_MS` after the room's latest connect): a reconnect whose left and joined
 *   webhooks were both lost. LiveKit removes an identity's old participant before a new one joins
 *   (livekit/livekit `pkg/service/roommanager.go`), so the old connection is over: a disconnect at
 *   `joinedAtMs − WEBHOOK_RESOLUTION_MS` (before any whole-second webhook time of the new one), then,
 *   if the new one is `joined` or `active`, a connect at `joinedAtMs`. Without `connectedSince` only a
 *   `joining` connection is known to be newer (the room never counts one still joining).
 * - `joining` is not connected yet: no connect, and, when not newer, nothing at all: a disconnect at
 *   the poll would come after its `joinedAtMs`, where its own connect could never undo it.
 *
 * What a lost webhook costs (checked against a simulated room in the tests, besides up to 3 s a
 * connection from whole-second webhook times and the `joining` phase): a lost `participant_joined`,
 * only a connection no poll listed, so shorter than the poll interval; a lost `participant_left`, the
 * time until the first poll after both the leave and the delivery of that connection's join, so one
 * interval plus how late that join arrived. A join webhook stamped with the same second as the
 * leave before it cannot be ordered after it by the room, so only a poll counts that connection.
 */

/** The room's view of one participant it knows. */
export interface KnownPresence {
  identity: string;
  connected: boolean;
  /**
   * While connected: the time (epoch ms) of the room's latest connect fact for this identity, from
   * any source. Lets a poll tell a new connection of the identity from the one the room knows.
   */
  connectedSince?: number;
}

/** One participant as the video platform lists it; `listParticipants` answers exactly this shape. */
export type ListedParticipant = RoomParticipant;

/** A presence fact from a poll, for the room to record as it records a webhook's. */
export interface ReconcileFact {
  eventId: string;
  identity: string;
  type: "connect" | "disconnect";
  /** Epoch milliseconds. */
  at: number;
}

/**
 * Webhook times are whole seconds (`createdAt`, rounded down), LiveKit's join times are milliseconds:
 * a listed join less than this after the room's connect may be that same connection.
 */
export const WEBHOOK_RESOLUTION_MS = 1000;

/**
 * The facts one poll adds, earliest first. `polledAt` (epoch ms) is the clock read before the list
 * was asked for; `known` is best read after it arrived, in the same step that records the facts.
 */
export function reconcilePresence(
  known: readonly KnownPresence[],
  listed: readonly ListedParticipant[],
  polledAt: number,
): ReconcileFact[] {
  const current = latestConnections(listed);
  const left = polledAt - WEBHOOK_RESOLUTION_MS;
  const facts: ReconcileFact[] = [];
  const seen = new Set<string>();
  for (const k of known) {
    if (seen.has(k.identity)) continue;
    seen.add(k.identity);
    const p = current.get(k.identity);
    const live = p?.state === "joined" || p?.state === "active";
    if (!k.connected) {
      if (p && live) facts.push(fact("connect", k.identity, p.joinedAtMs));
    } else if (!p) {
      facts.push(fact("disconnect", k.identity, left));
    } else if (isNewer(p, k.connectedSince)) {
      facts.push(fact("disconnect", k.identity, p.joinedAtMs - WEBHOOK_RESOLUTION_MS));
      if (live) facts.push(fact("connect", k.identity, p.joinedAtMs));
    } else if (p.state === "disconnected") {
      facts.push(fact("disconnect", k.identity, left));
    }
  }
  return facts.sort((a, b) => a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
}

/** Strictly more than a second: the disconnect placed a second before the join must follow the room's connect. */
function isNewer(p: ListedParticipant, connectedSince: number | undefined): boolean {
  if (connectedSince === undefined) return p.state === "joining";
  return p.joinedAtMs - WEBHOOK_RESOLUTION_MS > connectedSince;
}

/** Per identity, its newest listed connection (LiveKit lists one; were there two, the newer replaced the older). */
function latestConnections(listed: readonly ListedParticipant[]): Map<string, ListedParticipant> {
  const out = new Map<string, ListedParticipant>();
  for (const p of listed) {
    const seen = out.get(p.identity);
    if (!seen || p.joinedAtMs > seen.joinedAtMs) out.set(p.identity, p);
  }
  return out;
}

/**
 * The type leads the id: identities may hold `:`, and `poll:<identity>:left:<t>` for one identity
 * could otherwise be `poll:<identity>:<t>` for another. The same fact always gets the same id.
 */
function fact(type: ReconcileFact["type"], identity: string, at: number): ReconcileFact {
  return { eventId: `poll:${type === "connect" ? "join" : "left"}:${identity}:${at}`, identity, type, at };
}
