import type { Migration } from "../../storage/migrations.ts";
import type { Sealed } from "../secret-crypto.ts";

/** One integration secret as stored: ciphertext only (src/calendar/secret-crypto.ts). */
export interface SecretRow extends Sealed {
  id: string;
  source: string;
  fingerprint: string;
  createdAt: number;
  /** When it stops being accepted (a rotation's deadline, or its revocation); null: until replaced. */
  expiresAt: number | null;
}

export const SECRET_MIGRATIONS: Migration[] = [
  {
    id: 1,
    sql: `CREATE TABLE integration_secrets (
      id TEXT PRIMARY KEY, source TEXT NOT NULL, iv TEXT NOT NULL, ciphertext TEXT NOT NULL,
      fingerprint TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER);
    CREATE INDEX integration_secrets_by_source ON integration_secrets (source, expires_at);`,
  },
];

type Raw = {
  id: string;
  source: string;
  iv: string;
  ciphertext: string;
  fingerprint: string;
  created_at: number;
  expires_at: number | null;
};
const row = (r: Raw): SecretRow => ({
  id: r.id,
  source: r.source,
  iv: r.iv,
  ciphertext: r.ciphertext,
  fingerprint: r.fingerprint,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

/** The program's webhook secrets per calendar source, in its Durable Object's SQLite (scope "integration-secrets"). */
export class SecretStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Every secret, newest first; expired ones a month past their deadline are dropped first. */
  all(now: number): SecretRow[] {
    this.#sql.exec(
      "DELETE FROM integration_secrets WHERE expires_at IS NOT NULL AND expires_at < ?",
      now - 30 * 86_400_000,
    );
    return this.#sql
      .exec<Raw>("SELECT * FROM integration_secrets ORDER BY created_at DESC, rowid DESC")
      .toArray()
      .map(row);
  }

  /** The secrets accepted now, newest first (the first is the one new Google channels carry). */
  active(now: number): SecretRow[] {
    return this.#sql
      .exec<Raw>(
        "SELECT * FROM integration_secrets WHERE expires_at IS NULL OR expires_at > ? ORDER BY created_at DESC, rowid DESC",
        now,
      )
      .toArray()
      .map(row);
  }

  get(id: string): SecretRow | null {
    const r = this.#sql.exec<Raw>("SELECT * FROM integration_secrets WHERE id = ?", id).toArray()[0];
    return r ? row(r) : null;
  }

  add(r: SecretRow): void {
    this.#sql.exec(
      "INSERT INTO integration_secrets (id, source, iv, ciphertext, fingerprint, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      r.id,
      r.source,
      r.iv,
      r.ciphertext,
      r.fingerprint,
      r.createdAt,
      r.expiresAt,
    );
  }

  /** Every other open secret of `source` stops at `at` (the overlap of a rotation). */
  retireOthers(source: string, exceptId: string, at: number, now: number): void {
    this.#sql.exec(
      "UPDATE integration_secrets SET expires_at = ? WHERE source = ? AND id != ? AND (expires_at IS NULL OR expires_at > ?)",
      at,
      source,
      exceptId,
      now,
    );
  }

  expire(id: string, at: number): void {
    this.#sql.exec("UPDATE integration_secrets SET expires_at = ? WHERE id = ?", at, id);
  }
}
