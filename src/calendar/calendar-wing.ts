import { workerConfig } from "../config/worker-config.ts";
import type { Recorder } from "../directory/recorder.ts";
import { log } from "../lib/log.ts";
import type { RoomBinding } from "../rooms/binding.ts";
import { rebindRooms } from "../rooms/rebind.ts";
import type { CalendarBook } from "./calendar-book.ts";
import type { FollowUpItem } from "./follow-up-items.ts";
import type { FollowUpOutcome } from "./follow-up-plan.ts";
import { performFollowUp } from "./follow-up-work.ts";
import { webhookSecrets } from "./legacy-secrets.ts";
import { globalFetch } from "./providers/api-call.ts";
import { openSecrets } from "./secret-crypto.ts";

// Who the audit names for work the calendar did on its own.
const ACTOR: Record<FollowUpItem["kind"], string> = {
  "google-sync": "calendar:google",
  "google-renew": "calendar:google",
  "graph-fetch": "calendar:microsoft",
  "graph-renew": "calendar:microsoft",
  "graph-resync": "calendar:microsoft",
  "graph-recreate": "calendar:microsoft",
  // Only a Cal.com reschedule is ever held (apply-changes.ts, `RESCHEDULE_HOLD_MS`).
  "calendar-release": "calendar:calcom",
};
const RENEW_ACTION = {
  "google-renew": "calendar.channel-renew",
  "graph-renew": "calendar.subscription-renew",
  "graph-recreate": "calendar.subscription-recreate",
} as const;

/**
 * The calendar integration as the program's Durable Object runs it: deliveries are received here
 * (ingest-webhook.ts) and follow-up work runs from the object's alarm, one item at a time: a
 * synchronous step that takes the due items, the outbound call, and a synchronous step that records
 * the answer with its audit entries. Then the rooms of moved or cancelled sessions are told.
 */
export class CalendarWing {
  readonly book: CalendarBook;
  readonly record: Recorder;
  readonly #env: Env;
  readonly #storage: DurableObjectStorage;
  /** Other work of the same alarm (outbound events): when it is due, or null. */
  readonly #otherDue: () => number | null;
  // The latest time a caller passed in: the alarm never runs earlier than the clock of the calls that armed it.
  #latest = 0;

  constructor(deps: {
    book: CalendarBook;
    record: Recorder;
    env: Env;
    storage: DurableObjectStorage;
    otherDue?: () => number | null;
  }) {
    this.book = deps.book;
    this.record = deps.record;
    this.#env = deps.env;
    this.#storage = deps.storage;
    this.#otherDue = deps.otherDue ?? (() => null);
  }

  get integrationKey(): string | undefined {
    return workerConfig(this.#env).integrationKey;
  }

  programId(): string {
    return this.record.programId();
  }

  /** The cron's turn: list the periodic work (syncs, renewals that are near) and arm the alarm for it. */
  async schedule(now: number): Promise<void> {
    this.book.scheduleFollowUps(now);
    await this.armFollowUps(now);
  }

  /** Arm the alarm for the next due item or other work (or clear it when there is none). */
  async armFollowUps(now: number): Promise<void> {
    this.#latest = Math.max(this.#latest, now);
    const due = [this.book.nextFollowUp(), this.#otherDue()].filter((t): t is number => t !== null);
    // A time already past fires at once; setAlarm refuses 0 and below, so never ask for earlier than now.
    const next = due.length > 0 ? Math.max(Math.min(...due), Date.now()) : null;
    const armed = await this.#storage.getAlarm();
    if (next === null) {
      if (armed !== null) await this.#storage.deleteAlarm();
    } else if (armed !== next) await this.#storage.setAlarm(next);
  }

  /**
   * The alarm: run every due item, then arm for what is left (a failed item waits its backoff). An
   * alarm armed for the calendar runs its next item even when the caller's clock is behind it (tests
   * drive the clock); one armed for other work (`forOther`) runs only what is due by the clock.
   */
  async runFollowUps(forOther = false): Promise<void> {
    const now = Math.max(Date.now(), this.#latest, forOther ? 0 : (this.book.nextFollowUp() ?? 0));
    const { items, emailHashKey } = this.book.dueFollowUps(now);
    const config = workerConfig(this.#env);
    const apis = {
      google: { fetch: globalFetch, ...config.google },
      graph: { fetch: globalFetch, ...config.graph },
      emailHashKey,
      newestSecret: (source: "google" | "microsoft") => this.#newestSecret(source, now),
      now,
    };
    let failed = 0;
    for (const item of items) {
      const result = await performFollowUp(item, apis);
      if (!result.ok) failed++;
      const outcome = this.#recorded(item, this.book.completeFollowUp(result, now), now);
      await this.rebind(outcome?.bindings ?? [], now);
    }
    if (items.length > 0)
      log("info", "calendar.follow-up", { programId: this.programId(), items: items.length, failed });
    await this.armFollowUps(now);
  }

  /** Tell the rooms of sessions that moved, were cancelled or lost people (the directory pushes; nobody else). */
  rebind(bindings: readonly RoomBinding[], now: number): Promise<void> {
    return rebindRooms(this.#env.ROOMS, bindings, now);
  }

  /** The answer's audit entries, in the same synchronous step that stored it: sessions changed, renewals tried. */
  #recorded(item: FollowUpItem, outcome: FollowUpOutcome | null, now: number): FollowUpOutcome | null {
    const actor = ACTOR[item.kind];
    this.record.synced({ actor }, now, outcome);
    const r = outcome?.renewal;
    if (r) {
      const result = r.ok ? "ok" : `failed:${r.reason ?? "unknown"}`;
      this.record.append([{ actor, action: RENEW_ACTION[r.kind], object: r.ref.slice(0, 128), outcome: result }], now);
    }
    return outcome;
  }

  /** The newest secret of a source: set through the API first, else the first in `WEBHOOK_SECRETS`. */
  async #newestSecret(source: "google" | "microsoft", now: number): Promise<string | undefined> {
    const config = workerConfig(this.#env);
    const sealed = this.book.context(now)?.secrets ?? [];
    const set = await openSecrets(sealed, this.programId(), source, config.integrationKey);
    return set[0] ?? webhookSecrets(config.webhookSecrets, this.programId(), source)[0];
  }
}
