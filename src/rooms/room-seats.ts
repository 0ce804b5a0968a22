import { isoInstant } from "../lib/clock.ts";
import { tokenValidity } from "../tokens/window.ts";
import { decideJoin, type JoinRole, joinBounds, owedSeats } from "./admission.ts";
import type { Joiner, JoinOutcome, RoomBinding } from "./binding.ts";
import type { LiveChannel } from "./live-channel.ts";
import type { ProviderCallStore } from "./provider-call-store.ts";
import type { RoomStore } from "./room-store.ts";

const S = 1000;

/**
 * Seats, waiting room and presence of one room: every method reads and writes the room's store
 * synchronously (no await), so the Durable Object can call it inside one check-and-write step.
 */
export class RoomSeats {
  readonly #store: RoomStore;
  readonly #live: LiveChannel;
  readonly #calls: ProviderCallStore;

  constructor(store: RoomStore, live: LiveChannel, calls: ProviderCallStore) {
    this.#store = store;
    this.#live = live;
    this.#calls = calls;
  }

  /** The admission decision and its writes: synchronous from the first read to the last write. */
  join(binding: RoomBinding, who: Joiner, now: number): JoinOutcome {
    const { session, settings } = binding;
    const current = this.#store.participant(who.id);
    const decision = decideJoin({
      now,
      role: who.role,
      session,
      settings,
      roomState: this.#store.roomState(),
      current: current?.status ?? null,
      seated: this.#store.seated(),
      makeUp: who.makeUp,
      owed: who.makeUp
        ? owedSeats({
            now,
            lateAfter: joinBounds(session, settings).lateAfter,
            expected: who.expected,
            status: (id) => {
              const p = this.#store.participant(id);
              return p ? { status: p.status, seat: p.seat === 1 } : null;
            },
          })
        : 0,
    });
    switch (decision.kind) {
      case "cancelled":
      case "removed":
      case "ended":
      case "too-late":
        return { status: decision.kind };
      case "too-early":
        return { status: "too-early", opensAt: decision.opensAt };
      case "full":
        return decision.heldForEnrolled
          ? { status: "full", cap: decision.cap, heldForEnrolled: true }
          : { status: "full", cap: decision.cap };
      case "wait":
        if (current?.status !== "waiting") {
          this.#store.upsertParticipant(who.id, who.role, "waiting", false, now);
          this.#live.broadcast({ type: "waiting", participantId: who.id, at: isoInstant(now) });
        }
        return { status: "waiting", participantId: who.id };
      case "admit":
        this.#store.upsertParticipant(who.id, who.role, "admitted", decision.takesSeat, now);
        break;
      case "rejoin":
        break;
    }
    const validity = tokenValidity({
      now: Math.floor(now / S),
      startsAt: Date.parse(session.startsAt) / S,
      endsAt: Date.parse(session.endsAt) / S,
      joinWindowMinutes: settings.joinWindowMinutes,
      graceMinutes: settings.graceMinutes,
    });
    if (!validity.ok) return { status: validity.reason === "too-early" ? "too-late" : "ended" };
    // After a removal the platform refuses tokens that start before its revocation instant.
    const nbf = Math.max(validity.nbf, this.#calls.revokedBefore(who.id) ?? 0);
    if (nbf >= validity.exp) return { status: "ended" };
    const jti = crypto.randomUUID();
    this.#store.addToken(jti, who.id, session.version, validity.exp);
    if (!this.#store.connected(who.id)) {
      this.#store.addPresence(`join:${jti}`, who.id, "connect", now, "join");
      this.#live.broadcast({ type: "arrived", participantId: who.id, role: who.role, at: isoInstant(now) });
    }
    return {
      status: "admitted",
      participantId: who.id,
      jti,
      nbf,
      exp: validity.exp,
      version: session.version,
    };
  }

  /** Seat a participant (clients and family take a client seat) and announce it. */
  seat(id: string, role: JoinRole, now: number): void {
    this.#store.upsertParticipant(id, role, "admitted", role === "client" || role === "family", now);
    this.#live.broadcast({ type: "admitted", participantId: id });
  }

  /** End a participant's presence, once, and announce it. */
  disconnect(participantId: string, now: number, source: string): void {
    if (!this.#store.connected(participantId)) return;
    this.#store.addPresence(`${source}:${participantId}:${now}`, participantId, "disconnect", now, source);
    this.#live.broadcast({ type: "left", participantId, at: isoInstant(now) });
  }

  /** End everyone's presence and revoke every token (close, cancel, end). */
  endAll(now: number, source: string): void {
    for (const p of this.#store.participants()) this.disconnect(p.id, now, source);
    this.#store.revokeTokens();
  }
}
