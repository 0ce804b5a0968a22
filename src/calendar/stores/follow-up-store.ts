import type { FollowUpKind, FollowUpOrder } from "../follow-up-items.ts";

/** The first retry of a failed item waits this long; each further one twice as long, up to `MAX_BACKOFF_MS`. */
export const RETRY_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 6 * 3600_000;
/** Items one alarm run takes on; the rest wait for the alarm it re-arms. */
export const BATCH = 20;

type Row = {
  kind: FollowUpKind;
  ref: string;
  detail: string;
  due_at: number;
  attempts: number;
  last_error: string | null;
};

/**
 * The program's follow-up work (table `calendar_followups`), run by the directory's alarm one item
 * at a time. Only the alarm runs items, and a Durable Object runs one alarm at a time, so nothing
 * is leased: `asked_again` marks an item a delivery asked for while its call was out.
 */
export class FollowUpStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Add work due at `at`, or, when it is listed already, make it due no later and mark it asked for again. */
  add(order: FollowUpOrder, at: number): void {
    this.#sql.exec(
      `INSERT INTO calendar_followups (kind, ref, detail, due_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind, ref) DO UPDATE SET asked_again = 1, detail = excluded.detail,
         due_at = MIN(due_at, excluded.due_at)`,
      order.kind,
      order.ref,
      JSON.stringify(order.detail ?? {}),
      at,
    );
  }

  /** The items due by `now`, oldest first, marked as started (a delivery asking again from here on is kept). */
  start(now: number): { kind: FollowUpKind; ref: string; detail: Record<string, string> }[] {
    const rows = this.#sql
      .exec<Row>(
        "SELECT kind, ref, detail FROM calendar_followups WHERE due_at <= ? ORDER BY due_at, kind, ref LIMIT ?",
        now,
        BATCH,
      )
      .toArray();
    for (const r of rows) {
      this.#sql.exec("UPDATE calendar_followups SET asked_again = 0 WHERE kind = ? AND ref = ?", r.kind, r.ref);
    }
    return rows.map((r) => ({ kind: r.kind, ref: r.ref, detail: JSON.parse(r.detail) as Record<string, string> }));
  }

  /** Done: the item goes, unless a delivery asked for it again meanwhile (it then runs once more). */
  done(kind: FollowUpKind, ref: string): void {
    this.#sql.exec("DELETE FROM calendar_followups WHERE kind = ? AND ref = ? AND asked_again = 0", kind, ref);
  }

  /** Failed: count the attempt and wait longer each time (at once again, when asked for again meanwhile). */
  failed(kind: FollowUpKind, ref: string, reason: string, now: number): void {
    const row = this.#sql
      .exec<Row & { asked_again: number }>(
        "SELECT attempts, asked_again FROM calendar_followups WHERE kind = ? AND ref = ?",
        kind,
        ref,
      )
      .toArray()[0];
    if (!row) return;
    const attempts = row.attempts + 1;
    const wait = Math.min(RETRY_MS * 2 ** (attempts - 1), MAX_BACKOFF_MS);
    this.#sql.exec(
      "UPDATE calendar_followups SET attempts = ?, last_error = ?, due_at = ? WHERE kind = ? AND ref = ?",
      attempts,
      reason.slice(0, 64),
      row.asked_again === 1 ? now : now + wait,
      kind,
      ref,
    );
  }

  /** Drop an item (what it was about is gone). */
  drop(kind: FollowUpKind, ref: string): void {
    this.#sql.exec("DELETE FROM calendar_followups WHERE kind = ? AND ref = ?", kind, ref);
  }

  /** Drop work about things the configuration no longer holds. */
  keepOnly(kind: FollowUpKind, refs: ReadonlySet<string>): void {
    for (const r of this.#sql
      .exec<{ ref: string }>("SELECT ref FROM calendar_followups WHERE kind = ?", kind)
      .toArray()) {
      if (!refs.has(r.ref)) this.drop(kind, r.ref);
    }
  }

  /** When the next item is due (the alarm's time); null when the list is empty. */
  nextDue(): number | null {
    const row = this.#sql.exec<{ at: number | null }>("SELECT MIN(due_at) AS at FROM calendar_followups").toArray()[0];
    return row?.at ?? null;
  }

  /** Every outstanding item, for the integration's status. */
  all(): { kind: FollowUpKind; ref: string; dueAt: number; attempts: number; lastError?: string }[] {
    return this.#sql
      .exec<Row>("SELECT kind, ref, due_at, attempts, last_error FROM calendar_followups ORDER BY due_at, kind, ref")
      .toArray()
      .map((r) => ({
        kind: r.kind,
        ref: r.ref,
        dueAt: r.due_at,
        attempts: r.attempts,
        ...(r.last_error ? { lastError: r.last_error } : {}),
      }));
  }
}
