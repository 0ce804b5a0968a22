import { CalendarConfig } from "../../../schemas/calendar/integration.ts";
import { toBase64Url } from "../../lib/bytes.ts";

/** A program with no calendar configured yet. */
export const EMPTY_CALENDAR_CONFIG: CalendarConfig = {
  mappings: [],
  google: { channels: [] },
  microsoft: { subscriptions: [] },
};

/**
 * The program's calendar configuration, its e-mail hash key, enrollments' e-mail hashes and
 * per-calendar sync tokens. The key is generated here, on first need, and never changes: every
 * stored hash depends on it.
 */
export class CalendarConfigStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  /** The configuration and when it changed; the empty one (and a fresh key) when none was stored. */
  get(now: number): { config: CalendarConfig; emailKey: string; updatedAt: number } {
    const row = this.sql
      .exec<{ body: string; email_key: string; updated_at: number }>(
        "SELECT body, email_key, updated_at FROM calendar_config WHERE id = 1",
      )
      .toArray()[0];
    if (row)
      return { config: CalendarConfig.parse(JSON.parse(row.body)), emailKey: row.email_key, updatedAt: row.updated_at };
    const emailKey = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    this.sql.exec(
      "INSERT INTO calendar_config (id, body, email_key, updated_at) VALUES (1, ?, ?, ?)",
      JSON.stringify(EMPTY_CALENDAR_CONFIG),
      emailKey,
      now,
    );
    return { config: EMPTY_CALENDAR_CONFIG, emailKey, updatedAt: now };
  }

  /** True once the program has any calendar state: the cron leaves programs without it alone. */
  exists(): boolean {
    return this.sql.exec("SELECT 1 FROM calendar_config WHERE id = 1").toArray().length > 0;
  }

  /** Replace the configuration (the key stays). */
  put(config: CalendarConfig, now: number): void {
    this.get(now);
    this.sql.exec("UPDATE calendar_config SET body = ?, updated_at = ? WHERE id = 1", JSON.stringify(config), now);
  }

  /** Remember an enrollment's e-mail hash (replacing an earlier one). */
  putEmailHash(enrollmentId: string, clientId: string, hash: string): void {
    this.sql.exec(
      `INSERT INTO calendar_emails (enrollment_id, client_id, hash) VALUES (?, ?, ?)
       ON CONFLICT (enrollment_id) DO UPDATE SET client_id = excluded.client_id, hash = excluded.hash`,
      enrollmentId,
      clientId,
      hash,
    );
  }

  /** Clients whose current (not discharged) enrollment has one of these e-mail hashes. */
  clientsByHash(hashes: readonly string[]): string[] {
    const out = new Set<string>();
    for (const hash of hashes) {
      const rows = this.sql
        .exec<{ client_id: string }>(
          `SELECT m.client_id AS client_id FROM calendar_emails m JOIN enrollments e ON e.id = m.enrollment_id
           WHERE m.hash = ? AND e.status != 'discharged'`,
          hash,
        )
        .toArray();
      for (const r of rows) out.add(r.client_id);
    }
    return [...out];
  }

  /** The stored sync token of a calendar. */
  syncToken(source: string, ref: string): string | undefined {
    const row = this.sql
      .exec<{ sync_token: string | null }>(
        "SELECT sync_token FROM calendar_sync WHERE source = ? AND ref = ?",
        source,
        ref,
      )
      .toArray()[0];
    return row?.sync_token ?? undefined;
  }

  /** Store a calendar's next sync token after a successful sync. */
  putSyncToken(source: string, ref: string, token: string, now: number): void {
    this.sql.exec(
      `INSERT INTO calendar_sync (source, ref, sync_token, synced_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (source, ref) DO UPDATE SET sync_token = excluded.sync_token, synced_at = excluded.synced_at`,
      source,
      ref,
      token,
      now,
    );
  }

  /** When each calendar of a source last synced. */
  syncedAt(source: string): Record<string, number> {
    const rows = this.sql
      .exec<{ ref: string; synced_at: number | null }>(
        "SELECT ref, synced_at FROM calendar_sync WHERE source = ? AND synced_at IS NOT NULL",
        source,
      )
      .toArray();
    return Object.fromEntries(rows.map((r) => [r.ref, r.synced_at as number]));
  }
}
