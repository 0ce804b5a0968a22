import { AuditEntry, AuditEvent } from "../../schemas/audit.ts";
import { type ChainPoint, entryHash, GENESIS } from "../audit/chain.ts";
import type { Migration } from "../storage/migrations.ts";

/** The program's audit trail: append-only, hash-chained. There is no update or delete path. */
export const AUDIT_MIGRATIONS: Migration[] = [
  {
    id: 1,
    sql: `CREATE TABLE audit (
      seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
      object TEXT NOT NULL, outcome TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)`,
  },
  {
    id: 2,
    sql: `ALTER TABLE audit ADD COLUMN session TEXT;
      ALTER TABLE audit ADD COLUMN request_id TEXT;
      ALTER TABLE audit ADD COLUMN occurred_at TEXT`,
  },
];

type Row = Record<string, string | number | null>;

/** A stored row as an entry: columns added later are left out where empty, as they were hashed. */
function entryOf(r: Row): AuditEntry {
  const { session, request_id: requestId, occurred_at: occurredAt, ...rest } = r;
  return AuditEntry.parse({
    ...rest,
    ...(session ? { session } : {}),
    ...(requestId ? { requestId } : {}),
    ...(occurredAt ? { occurredAt } : {}),
  });
}

/** Append and read audit entries of one program. */
export class AuditStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /**
   * Append events in order, synchronously, so concurrent appends can never fork the chain. `at`
   * applies where an event has none. Time never runs backwards along the chain: an event that
   * happened before the newest entry was recorded (a room's, arriving late) is recorded now and
   * keeps its own time as `occurredAt`.
   */
  append(events: readonly (AuditEvent & { at?: string })[], at: string): number {
    const last = this.last();
    let seq = last?.seq ?? 0;
    let prev = last?.hash ?? GENESIS;
    let latest = last?.at ?? "";
    const rows: AuditEntry[] = [];
    for (const { at: when = at, ...event } of events) {
      // Checked before it is chained: an entry that would not read back must never be written.
      const e = AuditEvent.parse(event);
      const recorded = latest && Date.parse(when) < Date.parse(latest) ? latest : when;
      const entry = { ...e, ...(recorded !== when ? { occurredAt: when } : {}) };
      seq++;
      const hash = entryHash(prev, seq, recorded, entry);
      rows.push({ ...entry, seq, at: recorded, prev, hash });
      prev = hash;
      latest = recorded;
    }
    for (const r of rows) {
      this.#sql.exec(
        `INSERT INTO audit (seq, at, actor, action, object, outcome, prev, hash, session, request_id, occurred_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        r.seq,
        r.at,
        r.actor,
        r.action,
        r.object,
        r.outcome,
        r.prev,
        r.hash,
        r.session ?? null,
        r.requestId ?? null,
        r.occurredAt ?? null,
      );
    }
    return seq;
  }

  /** Entries after `after`, in order. */
  page(after: number, limit: number): AuditEntry[] {
    return this.#sql
      .exec<Row>("SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?", after, limit)
      .toArray()
      .map(entryOf);
  }

  /** Entries in (from, to], in order: what a verification re-hashes. */
  range(from: number, to: number): AuditEntry[] {
    return this.#sql
      .exec<Row>("SELECT * FROM audit WHERE seq > ? AND seq <= ? ORDER BY seq", from, to)
      .toArray()
      .map(entryOf);
  }

  /** The newest entry, or null for an empty trail. */
  last(): { seq: number; hash: string; at: string } | null {
    return (
      this.#sql
        .exec<{ seq: number; hash: string; at: string }>("SELECT seq, hash, at FROM audit ORDER BY seq DESC LIMIT 1")
        .toArray()[0] ?? null
    );
  }

  /** The stored hash at a position (the genesis at 0), or null when no entry holds it. */
  hashAt(seq: number): string | null {
    if (seq === 0) return GENESIS;
    return this.#sql.exec<{ hash: string }>("SELECT hash FROM audit WHERE seq = ?", seq).toArray()[0]?.hash ?? null;
  }

  /** How many entries are stored. */
  count(): number {
    return this.#sql.exec<{ n: number }>("SELECT count(*) AS n FROM audit").one().n;
  }

  /** The point of the chain at its newest entry. */
  head(): ChainPoint {
    const last = this.last();
    return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS };
  }
}
