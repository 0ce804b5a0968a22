import { isoInstant } from "../lib/clock.ts";
import { tokenValidity } from "../tokens/window.ts";
import { decideJoin, isStaffOfRecord, type JoinRole, joinBounds, owedSeats, seatOrFull } from "./admission.ts";
import type { ActionOutcome, Joiner, JoinOutcome, ProviderFact, RoomBinding } from "./binding.ts";
import type { LiveChannel } from "./live-channel.ts";
import type { ProviderCallStore } from "./provider-call-store.ts";
import { recordProviderFact } from "./provider-presence.ts";
import type { RoomStore } from "./room-store.ts";

const S = 1000;

/** Which platforms' presence webhooks this deployment receives (Daily's secret, RealtimeKit's key). */
export type PresenceWebhooks = { daily?: { webhookSecrets?: string }; realtimekit?: { webhookKeys?: string } };

/**
 * Whether the program's video platform reports who is connected (then it, not the token, says who
 * arrived): LiveKit always; Daily and RealtimeKit only where their webhooks are configured, since
 * without them nobody would ever be seen to arrive.
 */
export function platformPresence(settings: RoomBinding["settings"], hooks: PresenceWebhooks = {}): boolean {
  switch (settings.videoProvider) {
    case "livekit":
      return true;
    case "daily":
      return Boolean(hooks.daily?.webhookSecrets?.trim());
    case "realtimekit":
      return Boolean(hooks.realtimekit?.webhookKeys?.trim());
    default:
      return false;
  }
}

/**
 * Seats, waiting room and presence of one room: every method reads and writes the room's store
 * synchronously (no await), so the Durable Object can call it inside one check-and-write step.
 */
export class RoomSeats {
  readonly #store: RoomStore;
  readonly #live: LiveChannel;
  readonly #calls: ProviderCallStore;
  readonly #hooks: PresenceWebhooks;

  constructor(store: RoomStore, live: LiveChannel, calls: ProviderCallStore, hooks: PresenceWebhooks = {}) {
    this.#store = store;
    this.#live = live;
    this.#calls = calls;
    this.#hooks = hooks;
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
    // Where the platform reports presence (LiveKit's, Daily's, RealtimeKit's webhooks), a token is not an arrival.
    if (!platformPresence(settings, this.#hooks) && !this.#store.connected(who.id)) {
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

  /** End the caller's presence and free their seat; their tokens stop working. */
  leave(participantId: string, now: number): ActionOutcome {
    const p = this.#store.participant(participantId);
    if (!p || (p.status !== "admitted" && p.status !== "waiting")) return { ok: false, reason: "not-found" };
    this.#store.upsertParticipant(participantId, p.role, "left", false, now);
    this.#store.revokeTokens(participantId);
    this.disconnect(participantId, now, "leave");
    return { ok: true };
  }

  /** Open the room; under automatic admission, waiting clients are seated in arrival order up to the cap (their ids into `admitted`). */
  open(binding: RoomBinding, now: number, admitted: string[] = []): ActionOutcome {
    const state = this.#store.roomState();
    if (state === "cancelled" || state === "closed" || now >= joinBounds(binding.session, binding.settings).closesAt) {
      return { ok: false, reason: "ended" };
    }
    this.#store.setMeta("state", "open");
    this.#live.broadcast({ type: "room", state: "open" });
    if (binding.settings.admissionPolicy === "auto") {
      for (const w of this.#store.waiting()) {
        if (seatOrFull(binding.session.cap, this.#store.seated()).kind !== "admit") break;
        this.seat(w.id, w.role, now);
        admitted.push(w.id);
      }
    }
    return { ok: true };
  }

  /** A connect, disconnect or room end reported by the video platform (src/rooms/provider-presence.ts). */
  providerPresence(fact: ProviderFact, now: number): "recorded" | "amends" | "ignored" {
    return recordProviderFact(this.#store, this.#live, fact, now);
  }

  /** Admit a waiting participant into a free seat. */
  admit(binding: RoomBinding, participantId: string, now: number): ActionOutcome {
    const state = this.#store.roomState();
    if (state === "closed" || state === "cancelled") return { ok: false, reason: "ended" };
    const p = this.#store.participant(participantId);
    if (!p) return { ok: false, reason: "not-found" };
    if (p.status !== "waiting") return { ok: false, reason: "not-waiting" };
    const seat = seatOrFull(binding.session.cap, this.#store.seated());
    if (seat.kind === "full") return { ok: false, reason: "full", cap: seat.cap };
    this.seat(p.id, p.role, now);
    return { ok: true };
  }

  /** Remove a participant: seat freed, tokens revoked, and no new join for this occurrence. Staff of record stay. */
  remove(binding: RoomBinding, participantId: string, now: number): ActionOutcome {
    if (isStaffOfRecord(binding.session, participantId)) return { ok: false, reason: "staff-of-record" };
    const p = this.#store.participant(participantId);
    this.#store.upsertParticipant(participantId, p?.role ?? "client", "removed", false, now);
    this.#store.revokeTokens(participantId);
    this.disconnect(participantId, now, "remove");
    this.#live.broadcast({ type: "removed", participantId });
    return { ok: true };
  }

  /** Let a removed participant back: they may join again (and wait again, under manual admission). */
  readmit(participantId: string, now: number): ActionOutcome {
    const state = this.#store.roomState();
    if (state === "closed" || state === "cancelled") return { ok: false, reason: "ended" };
    const p = this.#store.participant(participantId);
    if (!p) return { ok: false, reason: "not-found" };
    if (p.status !== "removed") return { ok: false, reason: "not-removed" };
    this.#store.upsertParticipant(participantId, p.role, "left", false, now);
    return { ok: true };
  }

  /**
   * The client's enrollment ended or moved (discharge, step-down, transfer): their tokens stop, their
   * seat is freed and their page is told. The directory refuses their next join; nothing else changes.
   */
  dismiss(participantId: string, now: number): ActionOutcome {
    const p = this.#store.participant(participantId);
    if (!p || p.status === "removed") return { ok: true };
    this.#store.upsertParticipant(participantId, p.role, "left", false, now);
    this.#store.revokeTokens(participantId);
    this.disconnect(participantId, now, "dismiss");
    this.#live.broadcast({ type: "removed", participantId, reason: "enrollment-changed" });
    return { ok: true };
  }

  /**
   * A newer version of the session (moved, cancelled, or restored by its calendar) revokes every
   * outstanding token and tells everyone connected; a cancellation also ends every presence.
   */
  newVersion(known: RoomBinding | null, binding: RoomBinding, now: number): "cancelled" | "moved" | "same" {
    if (!known) {
      if (binding.session.status === "cancelled") this.#store.setMeta("state", "cancelled");
      return "same";
    }
    if (known.session.version >= binding.session.version) return "same";
    this.#store.revokeTokens();
    if (binding.session.status === "cancelled") {
      this.endAll(now, "cancel");
      this.#store.setMeta("state", "cancelled");
      this.#live.broadcast({ type: "room", state: "cancelled" });
      return "cancelled";
    }
    const { startsAt, endsAt } = binding.session;
    if (known.session.status === "cancelled" && this.#store.roomState() === "cancelled") {
      // The calendar took its cancellation back (a request-reschedule, a restore from Google's bin).
      this.#store.setMeta("state", "scheduled");
      this.#live.broadcast({ type: "room", state: "scheduled" });
    }
    if (known.session.startsAt !== startsAt || known.session.endsAt !== endsAt) {
      this.#live.broadcast({ type: "moved", startsAt, endsAt });
    }
    return "moved";
  }
}
