/** A call the video platform must hear about: remove one participant, or delete the room. */
export type ProviderCall = {
  id: number;
  op: "remove" | "delete";
  identity: string;
  revoke_before: number | null;
  attempts: number;
};

/**
 * The room's outbox of calls to the video platform (table `provider_calls`, ROOM_MIGRATIONS 4):
 * queued synchronously with the removal, close or cancel that causes them, delivered afterwards.
 */
export class ProviderCallStore {
  private readonly sql: SqlStorage;
  /** Revocation instants per identity, read once: every join asks, and only removals change them. */
  private revoked: Map<string, number> | null = null;

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  /** Queue a call to the video platform, in the same step as the action that causes it. */
  queueProviderCall(op: ProviderCall["op"], identity: string, revokeBefore: number | null): void {
    this.sql.exec(
      "INSERT INTO provider_calls (op, identity, revoke_before) VALUES (?, ?, ?)",
      op,
      identity,
      revokeBefore,
    );
    if (op === "remove" && revokeBefore !== null && this.revoked) {
      this.revoked.set(identity, Math.max(revokeBefore, this.revoked.get(identity) ?? 0));
    }
  }

  /** Calls not yet delivered, oldest first. */
  pendingProviderCalls(): ProviderCall[] {
    return this.sql
      .exec<ProviderCall>(
        "SELECT id, op, identity, revoke_before, attempts FROM provider_calls WHERE done = 0 ORDER BY id",
      )
      .toArray();
  }

  /** Mark a call delivered (or given up), or count a failed attempt. */
  providerCallSettled(id: number, done: boolean): void {
    if (done) this.sql.exec("UPDATE provider_calls SET done = 1 WHERE id = ?", id);
    else this.sql.exec("UPDATE provider_calls SET attempts = attempts + 1 WHERE id = ?", id);
  }

  /** The latest instant (s) before which the platform revoked this identity's tokens, if it was removed. */
  revokedBefore(identity: string): number | null {
    if (!this.revoked) {
      this.revoked = new Map();
      const rows = this.sql.exec<{ identity: string; t: number }>(
        "SELECT identity, MAX(revoke_before) AS t FROM provider_calls WHERE op = 'remove' GROUP BY identity",
      );
      for (const row of rows) this.revoked.set(row.identity, row.t);
    }
    return this.revoked.get(identity) ?? null;
  }
}
