import { type AttendanceReasonCode, AttendanceRecord } from "../../schemas/attendance.ts";
import { attendanceKey, ledgerKey } from "../attendance/keys.ts";

/**
 * A room's attendance records and the outbox that carries them to KV. The room's SQLite is the
 * authority; KV gets a copy under two append-style keys. A KV failure leaves the row in the
 * outbox for the alarm to retry, so a record is never lost, and rewriting the same key with the
 * same version makes a retry harmless.
 */
export class LedgerStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  /** Store a record version and queue it for KV under both of its keys. */
  save(record: AttendanceRecord): void {
    const body = JSON.stringify(record);
    this.sql.exec(
      "INSERT INTO records (client_id, version, body) VALUES (?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET version = excluded.version, body = excluded.body",
      record.clientId,
      record.version,
      body,
    );
    for (const key of keysOf(record)) {
      this.sql.exec(
        "INSERT INTO outbox (key, version, body) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET version = excluded.version, body = excluded.body, attempts = 0",
        key,
        record.version,
        body,
      );
    }
  }

  record(clientId: string): AttendanceRecord | null {
    const row = this.sql.exec<{ body: string }>("SELECT body FROM records WHERE client_id = ?", clientId).toArray()[0];
    return row ? AttendanceRecord.parse(JSON.parse(row.body)) : null;
  }

  records(): AttendanceRecord[] {
    return this.sql
      .exec<{ body: string }>("SELECT body FROM records ORDER BY client_id")
      .toArray()
      .map((r) => AttendanceRecord.parse(JSON.parse(r.body)));
  }

  excuse(clientId: string, reasonCode: AttendanceReasonCode, by: string, at: number): void {
    this.sql.exec(
      "INSERT INTO excuses (client_id, reason_code, by, at) VALUES (?, ?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET reason_code = excluded.reason_code, by = excluded.by, at = excluded.at",
      clientId,
      reasonCode,
      by,
      at,
    );
  }

  excuses(): Map<string, { reasonCode: AttendanceReasonCode; by: string; at: number }> {
    const rows = this.sql
      .exec<{ client_id: string; reason_code: string; by: string; at: number }>("SELECT * FROM excuses")
      .toArray();
    return new Map(
      rows.map((r) => [r.client_id, { reasonCode: r.reason_code as AttendanceReasonCode, by: r.by, at: r.at }]),
    );
  }

  /** Rows still to deliver, oldest attempts first. */
  pending(limit = 100): { key: string; version: number; body: string; attempts: number }[] {
    return this.sql
      .exec<{ key: string; version: number; body: string; attempts: number }>(
        "SELECT key, version, body, attempts FROM outbox ORDER BY attempts, key LIMIT ?",
        limit,
      )
      .toArray();
  }

  /** Drop a delivered row, unless a newer version was queued meanwhile. */
  delivered(key: string, version: number): void {
    this.sql.exec("DELETE FROM outbox WHERE key = ? AND version = ?", key, version);
  }

  failed(key: string): void {
    this.sql.exec("UPDATE outbox SET attempts = attempts + 1 WHERE key = ?", key);
  }
}

/** The two KV keys of a record: per client and week, and per program and date. */
function keysOf(r: AttendanceRecord): string[] {
  const keys = [
    attendanceKey(r.programId, r.clientId, r.isoWeek, r.sessionId),
    ledgerKey(r.programId, r.localDate, r.sessionId, r.clientId),
  ];
  return keys.map((k) => {
    if (!k.ok) throw new Error(`attendance key refused: ${k.reason}`);
    return k.key;
  });
}

/** Deliver queued rows to KV; returns how many remain (the caller re-arms its alarm for them). */
export async function flushOutbox(store: LedgerStore, kv: Pick<KVNamespace, "put">): Promise<number> {
  // Batch after batch until the outbox is empty; a failed write ends the pass (KV is struggling:
  // the alarm comes back with backoff). A big group holds more rows than one batch.
  for (let batch = store.pending(); batch.length > 0; batch = store.pending()) {
    let failed = false;
    for (const row of batch) {
      try {
        await kv.put(row.key, row.body);
        store.delivered(row.key, row.version);
      } catch {
        store.failed(row.key);
        failed = true;
      }
    }
    if (failed) break;
  }
  return store.pending(1000).length;
}
