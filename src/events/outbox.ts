import { QueuedEvent } from "../../schemas/events.ts";
import type { Migration } from "../storage/migrations.ts";

/**
 * Events waiting to reach the program's EventRelay, in the SQLite of the object whose change they
 * describe (the directory's sessions and enrollments, a room's attendance records). Queued in the
 * same synchronous step as the change, so the change is never stored without its event; handed
 * over afterwards and retried from the object's alarm. The relay keeps each id once.
 */
export const EVENT_OUTBOX_MIGRATIONS: Migration[] = [
  {
    id: 1,
    sql: `CREATE TABLE events_out (id TEXT PRIMARY KEY, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
      next_at INTEGER NOT NULL DEFAULT 0)`,
  },
];

/** Retry after `attempts` failed hand-overs: 2 s, 4 s, 8 s … at most 5 minutes. */
const retryIn = (attempts: number) => Math.min(300_000, 1000 * 2 ** attempts);

/** Events handed over in one RPC. */
const BATCH = 200;

export type HandOver = (events: QueuedEvent[]) => Promise<unknown>;

export class EventOutbox {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  queue(event: QueuedEvent | null): void {
    if (!event) return;
    this.#sql.exec(
      "INSERT OR IGNORE INTO events_out (id, body, next_at) VALUES (?, ?, ?)",
      event.id,
      JSON.stringify(event),
      Date.now(),
    );
  }

  /** When the next hand-over is due (epoch ms; the time it was queued for a fresh event), or null when nothing waits. */
  nextAt(): number | null {
    return this.#sql.exec<{ t: number | null }>("SELECT MIN(next_at) AS t FROM events_out").one().t ?? null;
  }

  size(): number {
    return this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events_out").one().n;
  }

  /** Hand everything over, batch after batch; a failure keeps the rest for a retry. Returns what remains. */
  async flush(handOver: HandOver, now: number): Promise<number> {
    for (;;) {
      const rows = this.#sql
        .exec<{ id: string; body: string; attempts: number }>(
          "SELECT id, body, attempts FROM events_out ORDER BY rowid LIMIT ?",
          BATCH,
        )
        .toArray();
      if (rows.length === 0) return 0;
      try {
        await handOver(rows.map((r) => QueuedEvent.parse(JSON.parse(r.body))));
      } catch {
        for (const r of rows)
          this.#sql.exec(
            "UPDATE events_out SET attempts = attempts + 1, next_at = ? WHERE id = ?",
            now + retryIn(r.attempts + 1),
            r.id,
          );
        return this.size();
      }
      for (const r of rows) this.#sql.exec("DELETE FROM events_out WHERE id = ?", r.id);
    }
  }
}
