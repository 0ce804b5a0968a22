import type { Migration } from "../storage/migrations.ts";

/** Invite links are stored as SHA-256 hashes only; the secret exists in the link alone. */
export const INVITE_MIGRATIONS: Migration[] = [
  {
    id: 1,
    sql: `CREATE TABLE invites (
      hash TEXT PRIMARY KEY, enrollment_id TEXT NOT NULL, expires_at INTEGER NOT NULL,
      revoked INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
    CREATE INDEX invites_by_enrollment ON invites (enrollment_id);`,
  },
];

/** Personal invite links of one program's enrollments. */
export class InviteStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  /** Store a new invite's hash; earlier invites of the enrollment are revoked (one live link per client). */
  add(hash: string, enrollmentId: string, expiresAt: number, now: number): void {
    this.revokeAll(enrollmentId);
    this.sql.exec(
      "INSERT INTO invites (hash, enrollment_id, expires_at, created_at) VALUES (?, ?, ?, ?)",
      hash,
      enrollmentId,
      expiresAt,
      now,
    );
  }

  /** The enrollment an unrevoked, unexpired invite belongs to. */
  find(hash: string, now: number): string | null {
    const row = this.sql
      .exec<{ enrollment_id: string }>(
        "SELECT enrollment_id FROM invites WHERE hash = ? AND revoked = 0 AND expires_at > ?",
        hash,
        now,
      )
      .toArray()[0];
    return row?.enrollment_id ?? null;
  }

  /** Revoke every invite of an enrollment (discharge, or staff revoking the link). */
  revokeAll(enrollmentId: string): number {
    return this.sql.exec("UPDATE invites SET revoked = 1 WHERE enrollment_id = ? AND revoked = 0", enrollmentId)
      .rowsWritten;
  }
}
