import type { EventOutbox } from "../events/outbox.ts";
import { log } from "../lib/log.ts";
import { roomName } from "../tokens/window.ts";
import { joinBounds } from "./admission.ts";
import type { RoomBinding } from "./binding.ts";
import { flushOutbox, type LedgerStore } from "./ledger-store.ts";
import type { LiveChannel } from "./live-channel.ts";
import { reconcilePresence } from "./presence-reconcile.ts";
import type { ProviderCallStore } from "./provider-call-store.ts";
import { recordProviderFact } from "./provider-presence.ts";
import type { PlatformService } from "./room-platform.ts";
import { type PresenceWebhooks, platformPresence } from "./room-seats.ts";
import type { RoomStore } from "./room-store.ts";

/** What the upkeep reaches: the room's stores, its alarm, the video platform and the ledger's KV. */
export interface UpkeepDeps {
  store: RoomStore;
  ledger: LedgerStore;
  ctx: DurableObjectState;
  kv: () => Pick<KVNamespace, "put">;
  /** Attendance events for the program's EventRelay (issue 19). */
  events: EventOutbox;
  relays: () => Env["EVENTS"] | undefined;
  calls: ProviderCallStore;
  /** The video platform's server API for this room's program, or null when it has none configured. */
  video: (binding: RoomBinding) => PlatformService | null;
  roomSecret: string;
  live: LiveChannel;
  /** Which platforms' presence webhooks are configured (Daily and RealtimeKit report presence only then). */
  hooks: PresenceWebhooks;
  /** Other work the alarm must wake for (RealtimeKit pre-enrolment, room-enrolment.ts), ms or null. */
  wakeAt: (binding: RoomBinding) => number | null;
}

/** How often a live room asks the platform who is connected: minutes stay within 15 s of its facts. */
export const POLL_MS = 15_000;

/** Whether the room is live on a platform that reports presence: open, not over, inside its window. */
function polling(binding: RoomBinding, store: RoomStore, hooks: PresenceWebhooks, now: number): boolean {
  const bounds = joinBounds(binding.session, binding.settings);
  return (
    platformPresence(binding.settings, hooks) &&
    store.roomState() === "open" &&
    store.getMeta<number>("finalizedAt") === null &&
    now >= bounds.opensAt &&
    now < bounds.closesAt
  );
}

/** How soon the alarm retries forwarding audit entries that the program's chain did not take. */
const AUDIT_RETRY_MS = 5_000;

/** Retry delay after `attempts` failures: 1 s, 2 s, 4 s … at most 5 minutes. */
const backoff = (attempts: number) => Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));

/**
 * A room's outbound work after its synchronous writes: attendance records to KV, calls to the video
 * platform, presence polls, and the alarm that retries them (and audit forwards, room-audit.ts) and
 * ends the session. Nothing here decides who sits where; everything here may fail and is retried.
 */
export class RoomUpkeep {
  readonly #d: UpkeepDeps;
  #calling: Promise<void> | null = null;

  constructor(deps: UpkeepDeps) {
    this.#d = deps;
  }

  /** Tell the video platform right after answering; a failure is retried from the alarm. */
  callProviderSoon(): void {
    if (this.#calling) return;
    this.#calling = this.callProvider().finally(() => {
      this.#calling = null;
    });
    this.#d.ctx.waitUntil(this.#calling);
  }

  /**
   * Deliver queued calls to the video platform (LiveKit's RemoveParticipant, DeleteRoom; Daily's eject and
   * room deletion; RealtimeKit's kick, participant delete and meeting deactivation). A call
   * that cannot succeed as configured (401, 4xx) is logged and dropped; one that may (5xx, timeout)
   * is retried with backoff. Never blocks the clinic's action, which is already written.
   */
  async callProvider(): Promise<void> {
    const { store, calls } = this.#d;
    const pending = calls.pendingProviderCalls();
    if (pending.length === 0) return;
    const binding = store.getMeta<RoomBinding>("binding");
    const service = binding ? this.#d.video(binding) : null;
    if (!binding || !service) {
      for (const call of pending) calls.providerCallSettled(call.id, true);
      return;
    }
    const room = await roomName(binding.session.id, this.#d.roomSecret);
    for (const call of pending) {
      const result =
        call.op === "remove"
          ? await service.removeParticipant(room, call.identity, {
              ...(call.revoke_before !== null ? { revokeTokensBefore: call.revoke_before } : {}),
            })
          : await service.deleteRoom(room);
      const done = result.ok || !result.retry;
      calls.providerCallSettled(call.id, done);
      if (!result.ok) {
        const fields = {
          op: call.op,
          reason: result.reason,
          status: result.status ?? null,
          attempts: call.attempts + 1,
        };
        log("warn", done ? "video.call.dropped" : "video.call.retry", fields);
      }
    }
    await this.rearm(Date.now());
  }

  /**
   * While a room on a platform with presence is live, ask the platform who is connected and merge
   * that with the webhook facts (src/rooms/presence-reconcile.ts says which source wins): a lost
   * participant_joined or participant_left still ends up right, within one poll interval.
   */
  async poll(now: number): Promise<void> {
    const { store } = this.#d;
    const binding = store.getMeta<RoomBinding>("binding");
    const service = binding && polling(binding, store, this.#d.hooks, now) ? this.#d.video(binding) : null;
    if (!binding || !service?.listParticipants) return;
    const listed = await service.listParticipants(await roomName(binding.session.id, this.#d.roomSecret));
    if (!listed.ok) {
      log("warn", "video.poll.failed", { reason: listed.reason, status: listed.status ?? null });
      return;
    }
    for (const fact of reconcilePresence(store.presenceView(), listed.participants, now)) {
      recordProviderFact(store, this.#d.live, fact, now);
    }
  }

  /** Send queued records to KV and their events to the relay; on failure, retry from the alarm so nothing is lost. */
  async deliver(now: number): Promise<void> {
    const { store, ledger } = this.#d;
    const remaining = await flushOutbox(ledger, this.#d.kv());
    await this.#handOverEvents(now);
    const attempts = remaining > 0 ? (store.getMeta<number>("deliveryAttempts") ?? 0) + 1 : 0;
    store.setMeta("deliveryAttempts", attempts);
    if (remaining > 0) log("warn", "attendance.outbox.retry", { remaining, attempts });
    await this.rearm(now);
  }

  async #handOverEvents(now: number): Promise<void> {
    const programId = this.#d.store.getMeta<RoomBinding>("binding")?.programId;
    const relays = this.#d.relays();
    if (!programId || !relays || this.#d.events.nextAt() === null) return;
    const relay = relays.getByName(programId);
    const left = await this.#d.events.flush((events) => relay.accept(programId, events, now), now);
    if (left > 0) log("warn", "events.handover.retry", { remaining: left });
  }

  /** Next wake-up: an outbox retry with backoff, else the end of session + grace while not finalised. */
  async rearm(now: number): Promise<void> {
    const { store, ledger, ctx } = this.#d;
    const binding = store.getMeta<RoomBinding>("binding");
    if (!binding) return;
    const attempts = store.getMeta<number>("deliveryAttempts") ?? 0;
    const retryAt = ledger.pending(1).length > 0 ? now + backoff(attempts) : null;
    const calls = this.#d.calls.pendingProviderCalls();
    const callAt = calls.length > 0 ? now + backoff(Math.min(...calls.map((c) => c.attempts))) : null;
    const endAt =
      store.getMeta<number>("finalizedAt") === null ? joinBounds(binding.session, binding.settings).closesAt : null;
    const pollAt =
      polling(binding, store, this.#d.hooks, now) && this.#d.video(binding)?.listParticipants ? now + POLL_MS : null;
    const auditAt = store.pendingAudit(1).length > 0 ? now + AUDIT_RETRY_MS : null;
    const notBefore = (t: number | null) => (t === null ? null : Math.max(t, now));
    const eventsAt = notBefore(this.#d.events.nextAt());
    const next = [retryAt, callAt, endAt, pollAt, auditAt, eventsAt, notBefore(this.#d.wakeAt(binding))]
      .filter((t): t is number => t !== null)
      .sort((a, b) => a - b)[0];
    if (next === undefined) {
      await ctx.storage.deleteAlarm();
      store.setMeta("alarmAt", null);
      return;
    }
    if (store.getMeta<number>("alarmAt") !== next) {
      store.setMeta("alarmAt", next);
      await ctx.storage.setAlarm(next);
    }
  }
}
