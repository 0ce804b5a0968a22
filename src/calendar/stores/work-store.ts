import type { CalendarChange } from "../../../schemas/calendar/change.ts";
import type { CalendarChore, GoogleChannel, GraphSubscription } from "../../../schemas/calendar/integration.ts";

/** Kinds of calendar work; `graph-removed` waits for a person (re-create the subscription) and is never leased. */
export type WorkKind = CalendarChore["kind"];

/** A leased piece of work with what the Worker needs to do it. `gen` detects news that arrived meanwhile. */
export type WorkItem = { ref: string; gen: number } & (
  | { kind: "google-sync"; calendarId: string; syncToken?: string }
  | { kind: "google-renew"; channel: GoogleChannel }
  | { kind: "graph-fetch"; resource: string; subscriptionId: string }
  | { kind: "graph-renew"; subscription: GraphSubscription }
  | { kind: "graph-resync"; subscription: GraphSubscription; since: number }
);

/** What a lease hands out: the items and the program facts needed to normalise what they fetch. */
export interface WorkLease {
  items: WorkItem[];
  emailHashKey: string;
  webhookUrl?: string;
}

/** What the Worker did with one item. */
export type WorkResult = { kind: WorkKind; ref: string; gen: number } & (
  | { ok: false; reason: string }
  | { ok: true; changes?: CalendarChange[]; nextSyncToken?: string; fullSyncIds?: string[] }
  | { ok: true; channel: GoogleChannel; replaces: string }
  | { ok: true; expiresAt: string }
);

/** Which work to lease: `reconcile` first schedules the periodic chores (the cron); `only` narrows to named items. */
export interface WorkFilter {
  reconcile?: boolean;
  only?: { kind: WorkKind; ref: string }[];
}

/** Work to enqueue with a delivery. */
export interface WorkOrder {
  kind: WorkKind;
  ref: string;
  detail?: Record<string, string>;
}

/** A lease lasts this long; a Worker that dies mid-way leaves the item to the next one. */
export const LEASE_MS = 60_000;
/** A failed item waits this long before the next try. */
export const RETRY_MS = 5 * 60_000;
const BATCH = 20;

type Row = { kind: WorkKind; ref: string; detail: string; due_at: number; gen: number };

/** The queue of calendar work in the program's Durable Object, leased to Workers one batch at a time. */
export class CalendarWorkStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  /** Add work, or note that the same work is wanted again (so a lease that started earlier runs it once more). */
  enqueue(order: WorkOrder, now: number): void {
    this.sql.exec(
      `INSERT INTO calendar_work (kind, ref, detail, due_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind, ref) DO UPDATE SET gen = gen + 1, detail = excluded.detail,
         due_at = MIN(due_at, excluded.due_at)`,
      order.kind,
      order.ref,
      JSON.stringify(order.detail ?? {}),
      now,
    );
  }

  /** Lease the due items (optionally only the named ones). */
  claim(now: number, only?: WorkFilter["only"]): (Omit<Row, "detail"> & { detail: Record<string, string> })[] {
    const rows = this.sql
      .exec<Row>(
        `SELECT kind, ref, detail, due_at, gen FROM calendar_work
         WHERE due_at <= ? AND claimed_until <= ? AND kind != 'graph-removed' ORDER BY due_at LIMIT ?`,
        now,
        now,
        only ? 1000 : BATCH,
      )
      .toArray()
      .filter((r) => !only || only.some((o) => o.kind === r.kind && o.ref === r.ref))
      .slice(0, BATCH);
    for (const r of rows) {
      this.sql.exec(
        "UPDATE calendar_work SET claimed_until = ? WHERE kind = ? AND ref = ?",
        now + LEASE_MS,
        r.kind,
        r.ref,
      );
    }
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, string> }));
  }

  /** Done: remove the item, unless it was wanted again meanwhile (then it is due at once; returns false). */
  finish(kind: WorkKind, ref: string, gen: number): boolean {
    this.sql.exec("DELETE FROM calendar_work WHERE kind = ? AND ref = ? AND gen = ?", kind, ref, gen);
    if (this.sql.exec("SELECT 1 FROM calendar_work WHERE kind = ? AND ref = ?", kind, ref).toArray().length === 0) {
      return true;
    }
    this.sql.exec("UPDATE calendar_work SET claimed_until = 0 WHERE kind = ? AND ref = ?", kind, ref);
    return false;
  }

  /** Failed: try again later. */
  retryLater(kind: WorkKind, ref: string, now: number): void {
    this.sql.exec(
      "UPDATE calendar_work SET claimed_until = 0, due_at = ? WHERE kind = ? AND ref = ?",
      now + RETRY_MS,
      kind,
      ref,
    );
  }

  /** Drop work about things the configuration no longer holds. */
  keepOnly(kind: WorkKind, refs: ReadonlySet<string>): void {
    for (const r of this.sql.exec<{ ref: string }>("SELECT ref FROM calendar_work WHERE kind = ?", kind).toArray()) {
      if (!refs.has(r.ref)) this.sql.exec("DELETE FROM calendar_work WHERE kind = ? AND ref = ?", kind, r.ref);
    }
  }

  /** Every outstanding item, for the configuration view. */
  all(): { kind: WorkKind; ref: string; dueAt: number }[] {
    return this.sql
      .exec<Row>("SELECT kind, ref, due_at FROM calendar_work ORDER BY due_at, kind, ref")
      .toArray()
      .map((r) => ({ kind: r.kind, ref: r.ref, dueAt: r.due_at }));
  }
}
