import { AuditEntry, AuditEvent } from "../../schemas/audit.ts";
import { entryHash, GENESIS, verifyChain } from "../audit/chain.ts";
import type { Migration } from "../storage/migrations.ts";

/** The program's audit trail: append-only, hash-chained. There is no update or delete path. */
export const AUDIT_MIGRATIONS: Migration[] = [
  {
    id: 1,
    sql: `CREATE TABLE audit (
      seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
      object TEXT NOT NULL, outcome TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)`,
  },
];

/** Append and read audit entries of one program. */
export class AuditStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Append events in order, synchronously, so concurrent appends can never fork the chain. `at` applies where an event has none. */
  append(events: readonly (AuditEvent & { at?: string })[], at: string): number {
    const last = this.#sql
      .exec<{ seq: number; hash: string }>("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
      .toArray()[0];
    let seq = last?.seq ?? 0;
    let prev = last?.hash ?? GENESIS;
    const rows: AuditEntry[] = [];
    for (const { at: when = at, ...event } of events) {
      // Checked before it is chained: an entry that would not read back must never be written.
      const e = AuditEvent.parse(event);
      seq++;
      const hash = entryHash(prev, seq, when, e);
      rows.push({ ...e, seq, at: when, prev, hash });
      prev = hash;
    }
    for (const r of rows) {
      this.#sql.exec(
        "INSERT INTO audit (seq, at, actor, action, object, outcome, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        r.seq,
        r.at,
        r.actor,
        r.action,
        r.object,
        r.outcome,
        r.prev,
        r.hash,
      );
    }
    return seq;
  }

  /** Entries after `after`, in order. */
  page(after: number, limit: number): AuditEntry[] {
    return this.#sql
      .exec<AuditEntry & Record<string, string | number>>(
        "SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?",
        after,
        limit,
      )
      .toArray()
      .map((r) => AuditEntry.parse({ ...r }));
  }

  /** A page of the trail and whether the whole chain still verifies (checked in full: the point of a chain). */
  trail(after: number, limit: number) {
    const entries = this.page(after, limit);
    const all = this.page(0, Number.MAX_SAFE_INTEGER);
    const brokenAt = verifyChain(all);
    const last = entries.at(-1);
    return {
      entries,
      next: last && entries.length === limit ? last.seq : null,
      chain: { valid: brokenAt === null, length: all.length, brokenAt },
    };
  }
}
