import type { FeedSubject } from "../../schemas/calendar-feed.ts";
import type { Migration } from "../storage/migrations.ts";

/** Calendar feed tokens, stored as SHA-256 hashes only; the secret exists in the subscriber's URL alone. */
export const FEED_MIGRATIONS: Migration[] = [
  {
    id: 1,
    sql: `CREATE TABLE calendar_feeds (
      id TEXT PRIMARY KEY, hash TEXT NOT NULL, subject_type TEXT NOT NULL, subject_id TEXT NOT NULL,
      created_at INTEGER NOT NULL, revoked_at INTEGER);
    CREATE INDEX feeds_by_subject ON calendar_feeds (subject_type, subject_id);`,
  },
];

/** The private iCalendar feeds of one program's clients, facilitators and tracks. */
export class FeedStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Store a new feed; the subject's earlier feeds stop working (one live feed each: rotating is making a new one). */
  add(id: string, hash: string, subject: FeedSubject, now: number): void {
    this.#sql.exec(
      "UPDATE calendar_feeds SET revoked_at = ? WHERE subject_type = ? AND subject_id = ? AND revoked_at IS NULL",
      now,
      subject.type,
      subject.id,
    );
    this.#sql.exec(
      "INSERT INTO calendar_feeds (id, hash, subject_type, subject_id, created_at) VALUES (?, ?, ?, ?, ?)",
      id,
      hash,
      subject.type,
      subject.id,
      now,
    );
  }

  /** The subject of a live feed whose id and secret hash match; null otherwise. */
  find(id: string, hash: string): FeedSubject | null {
    const row = this.#sql
      .exec<{ subject_type: string; subject_id: string }>(
        "SELECT subject_type, subject_id FROM calendar_feeds WHERE id = ? AND hash = ? AND revoked_at IS NULL",
        id,
        hash,
      )
      .toArray()[0];
    if (!row) return null;
    const type = row.subject_type === "track" || row.subject_type === "facilitator" ? row.subject_type : "client";
    return { type, id: row.subject_id };
  }

  /** Revoke one feed; false when it was unknown or already revoked. */
  revoke(id: string, now: number): boolean {
    return (
      this.#sql.exec("UPDATE calendar_feeds SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, id)
        .rowsWritten > 0
    );
  }
}
