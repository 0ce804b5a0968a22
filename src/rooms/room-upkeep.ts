import { log } from "../lib/log.ts";
import { joinBounds } from "./admission.ts";
import type { RoomBinding } from "./binding.ts";
import { flushOutbox, type LedgerStore } from "./ledger-store.ts";
import type { RoomStore } from "./room-store.ts";

/** How long a room gathers audit events before forwarding them to the program's chain. */
const AUDIT_BATCH_MS = 1000;

/** What the upkeep reaches: the room's stores, its alarm, the program's chain and the ledger's KV. */
export interface UpkeepDeps {
  store: RoomStore;
  ledger: LedgerStore;
  ctx: DurableObjectState;
  programs: Env["PROGRAMS"];
  kv: () => Pick<KVNamespace, "put">;
}

/**
 * A room's outbound work after its synchronous writes: attendance records to KV, audit events to
 * the program's chain, and the alarm that retries both and ends the session. Nothing here decides
 * who sits where; everything here may fail and is retried.
 */
export class RoomUpkeep {
  readonly #d: UpkeepDeps;
  #forwarding: Promise<void> | null = null;

  constructor(deps: UpkeepDeps) {
    this.#d = deps;
  }

  /**
   * Forward queued audit events shortly after answering, one forwarder at a time. The short wait
   * batches a burst of joins into one call to the program's directory, so auditing does not add a
   * Durable Object hop to every join; the events are durable in the room first.
   */
  forwardAuditSoon(programId: string): void {
    if (this.#forwarding) return;
    this.#forwarding = new Promise<void>((resolve) => setTimeout(resolve, AUDIT_BATCH_MS))
      .then(() => this.forwardAudit(programId))
      .finally(() => {
        this.#forwarding = null;
      });
    this.#d.ctx.waitUntil(this.#forwarding);
  }

  /** Forward every queued audit event now; on failure the alarm retries. */
  async forwardAudit(programId: string): Promise<void> {
    const { store } = this.#d;
    const dir = this.#d.programs.getByName(programId);
    for (let batch = store.pendingAudit(); batch.length > 0; batch = store.pendingAudit()) {
      try {
        await dir.appendAudit(
          batch.map((r) => ({ ...JSON.parse(r.body), at: r.at })),
          batch[0]?.at ?? "",
        );
      } catch (err) {
        log("warn", "audit.forward.retry", { error: (err as Error).name });
        await this.rearm(Date.now());
        return;
      }
      store.auditForwarded(batch.at(-1)?.seq ?? 0);
    }
  }

  /** Send queued records to KV; on failure, retry from the alarm with backoff so nothing is lost. */
  async deliver(now: number): Promise<void> {
    const { store, ledger } = this.#d;
    const remaining = await flushOutbox(ledger, this.#d.kv());
    const attempts = remaining > 0 ? (store.getMeta<number>("deliveryAttempts") ?? 0) + 1 : 0;
    store.setMeta("deliveryAttempts", attempts);
    if (remaining > 0) log("warn", "attendance.outbox.retry", { remaining, attempts });
    await this.rearm(now);
  }

  /** Next wake-up: an outbox retry with backoff, else the end of session + grace while not finalised. */
  async rearm(now: number): Promise<void> {
    const { store, ledger, ctx } = this.#d;
    const binding = store.getMeta<RoomBinding>("binding");
    if (!binding) return;
    const attempts = store.getMeta<number>("deliveryAttempts") ?? 0;
    const retryAt =
      ledger.pending(1).length > 0 ? now + Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1)) : null;
    const endAt =
      store.getMeta<number>("finalizedAt") === null ? joinBounds(binding.session, binding.settings).closesAt : null;
    const next = [retryAt, endAt].filter((t): t is number => t !== null).sort((a, b) => a - b)[0];
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
