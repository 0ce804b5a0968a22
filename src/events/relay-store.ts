import type { DeliveryStatus, EventType, QueuedEvent } from "../../schemas/events.ts";
import type { Migration } from "../storage/migrations.ts";

/**
 * The relay's tables (one EventRelay per program): its endpoints and their sealed signing secrets,
 * the events handed over, and one delivery row per endpoint and event, which is the delivery log.
 */
export const RELAY_MIGRATIONS: Migration[] = [
  {
    id: 1,
    sql: `CREATE TABLE relay_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE endpoints (
      id TEXT PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL, description TEXT, status TEXT NOT NULL,
      disabled_at INTEGER, disabled_reason TEXT, last_success_at INTEGER, failing_since INTEGER,
      created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE endpoint_secrets (
      id TEXT PRIMARY KEY, endpoint_id TEXT NOT NULL, iv TEXT NOT NULL, ciphertext TEXT NOT NULL,
      fingerprint TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER);
    CREATE TABLE events (id TEXT PRIMARY KEY, type TEXT NOT NULL, body TEXT NOT NULL, occurred_at INTEGER NOT NULL,
      received_at INTEGER NOT NULL);
    CREATE TABLE deliveries (
      endpoint_id TEXT NOT NULL, event_id TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
      next_at INTEGER, last_attempt_at INTEGER, last_status INTEGER, last_error TEXT, delivered_at INTEGER,
      created_at INTEGER NOT NULL, PRIMARY KEY (endpoint_id, event_id));
    CREATE INDEX deliveries_due ON deliveries (status, next_at);
    CREATE INDEX deliveries_log ON deliveries (endpoint_id, created_at);`,
  },
];

export type EndpointRow = {
  id: string;
  url: string;
  events: string;
  description: string | null;
  status: "enabled" | "disabled";
  disabled_at: number | null;
  disabled_reason: string | null;
  last_success_at: number | null;
  failing_since: number | null;
  created_at: number;
  updated_at: number;
};

export type SecretRow = {
  id: string;
  endpoint_id: string;
  iv: string;
  ciphertext: string;
  fingerprint: string;
  created_at: number;
  expires_at: number | null;
};

export type DeliveryRow = {
  endpoint_id: string;
  event_id: string;
  type: EventType;
  status: DeliveryStatus;
  attempts: number;
  next_at: number | null;
  last_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: number | null;
  created_at: number;
};

/** A due delivery with what sending it needs. */
export type DueDelivery = {
  endpoint_id: string;
  event_id: string;
  attempts: number;
  created_at: number;
  url: string;
  body: string;
};

/** What one attempt came to. */
export type Attempt = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** Plain SQL over the relay's tables; the decisions (retry times, disabling) are in relay-policy.ts. */
export class RelayStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  meta(key: string): string | null {
    return (
      this.#sql.exec<{ value: string }>("SELECT value FROM relay_meta WHERE key = ?", key).toArray()[0]?.value ?? null
    );
  }

  setMeta(key: string, value: string): void {
    this.#sql.exec("INSERT OR REPLACE INTO relay_meta (key, value) VALUES (?, ?)", key, value);
  }

  endpoints(): EndpointRow[] {
    return this.#sql.exec<EndpointRow>("SELECT * FROM endpoints ORDER BY created_at, id").toArray();
  }

  endpoint(id: string): EndpointRow | null {
    return this.#sql.exec<EndpointRow>("SELECT * FROM endpoints WHERE id = ?", id).toArray()[0] ?? null;
  }

  putEndpoint(e: EndpointRow): void {
    this.#sql.exec(
      `INSERT OR REPLACE INTO endpoints (id, url, events, description, status, disabled_at, disabled_reason,
        last_success_at, failing_since, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      e.id,
      e.url,
      e.events,
      e.description,
      e.status,
      e.disabled_at,
      e.disabled_reason,
      e.last_success_at,
      e.failing_since,
      e.created_at,
      e.updated_at,
    );
  }

  deleteEndpoint(id: string): void {
    this.#sql.exec("DELETE FROM deliveries WHERE endpoint_id = ?", id);
    this.#sql.exec("DELETE FROM endpoint_secrets WHERE endpoint_id = ?", id);
    this.#sql.exec("DELETE FROM endpoints WHERE id = ?", id);
  }

  addSecret(s: SecretRow): void {
    this.#sql.exec(
      "INSERT INTO endpoint_secrets (id, endpoint_id, iv, ciphertext, fingerprint, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      s.id,
      s.endpoint_id,
      s.iv,
      s.ciphertext,
      s.fingerprint,
      s.created_at,
      s.expires_at,
    );
  }

  /** Every other secret of the endpoint stops signing at `until` (or now, when sooner). */
  retireSecrets(endpointId: string, keepId: string, until: number): void {
    this.#sql.exec(
      "UPDATE endpoint_secrets SET expires_at = MIN(COALESCE(expires_at, ?), ?) WHERE endpoint_id = ? AND id != ?",
      until,
      until,
      endpointId,
      keepId,
    );
  }

  /** The secrets that sign at `now`, newest first; expired ones are dropped on the way. */
  secrets(endpointId: string, now: number): SecretRow[] {
    this.#sql.exec("DELETE FROM endpoint_secrets WHERE expires_at IS NOT NULL AND expires_at <= ?", now);
    return this.#sql
      .exec<SecretRow>("SELECT * FROM endpoint_secrets WHERE endpoint_id = ? ORDER BY created_at DESC, id", endpointId)
      .toArray();
  }

  /** Store an event once; false when its id was already here. */
  addEvent(e: QueuedEvent, now: number): boolean {
    const cursor = this.#sql.exec(
      "INSERT OR IGNORE INTO events (id, type, body, occurred_at, received_at) VALUES (?, ?, ?, ?, ?)",
      e.id,
      e.type,
      e.body,
      e.occurredAt,
      now,
    );
    return cursor.rowsWritten > 0;
  }

  addDelivery(endpointId: string, eventId: string, status: DeliveryStatus, now: number): void {
    this.#sql.exec(
      "INSERT OR IGNORE INTO deliveries (endpoint_id, event_id, status, next_at, created_at) VALUES (?, ?, ?, ?, ?)",
      endpointId,
      eventId,
      status,
      status === "pending" ? now : null,
      now,
    );
  }

  /** Deliveries due at `now`, oldest first, with their endpoint's URL and the event's body. */
  due(now: number, limit: number): DueDelivery[] {
    return this.#sql
      .exec<DueDelivery>(
        `SELECT d.endpoint_id, d.event_id, d.attempts, d.created_at, e.url, v.body
         FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id JOIN events v ON v.id = d.event_id
         WHERE d.status = 'pending' AND d.next_at <= ? AND e.status = 'enabled'
         ORDER BY d.next_at, d.created_at LIMIT ?`,
        now,
        limit,
      )
      .toArray();
  }

  /** When the next pending delivery is due, or null. */
  nextDue(): number | null {
    return (
      this.#sql
        .exec<{ t: number | null }>(
          `SELECT MIN(d.next_at) AS t FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
           WHERE d.status = 'pending' AND e.status = 'enabled'`,
        )
        .one().t ?? null
    );
  }

  settle(
    d: { endpointId: string; eventId: string },
    a: Attempt,
    next: { status: DeliveryStatus; at: number | null },
    now: number,
  ): void {
    this.#sql.exec(
      `UPDATE deliveries SET status = ?, attempts = attempts + 1, next_at = ?, last_attempt_at = ?, last_status = ?,
        last_error = ?, delivered_at = ? WHERE endpoint_id = ? AND event_id = ?`,
      next.status,
      next.at,
      now,
      a.status,
      a.ok ? null : a.error,
      a.ok ? now : null,
      d.endpointId,
      d.eventId,
    );
  }

  /** Put an endpoint's held (and, when asked, failed) deliveries back in line, due now, attempts from zero. */
  requeue(endpointId: string, statuses: readonly DeliveryStatus[], now: number): number {
    const list = statuses.map(() => "?").join(", ");
    return this.#sql.exec(
      `UPDATE deliveries SET status = 'pending', attempts = 0, next_at = ? WHERE endpoint_id = ? AND status IN (${list})`,
      now,
      endpointId,
      ...statuses,
    ).rowsWritten;
  }

  /** Hold an endpoint's pending deliveries while it is disabled. */
  hold(endpointId: string): void {
    this.#sql.exec(
      "UPDATE deliveries SET status = 'held', next_at = NULL WHERE endpoint_id = ? AND status = 'pending'",
      endpointId,
    );
  }

  counts(endpointId: string): Record<DeliveryStatus, number> {
    const counts = { pending: 0, delivered: 0, failed: 0, held: 0 };
    for (const r of this.#sql.exec<{ status: DeliveryStatus; n: number }>(
      "SELECT status, COUNT(*) AS n FROM deliveries WHERE endpoint_id = ? GROUP BY status",
      endpointId,
    ))
      counts[r.status] = r.n;
    return counts;
  }

  /** The delivery log of an endpoint, newest first. */
  log(endpointId: string, status: DeliveryStatus | undefined, limit: number): DeliveryRow[] {
    return this.#sql
      .exec<DeliveryRow>(
        `SELECT d.*, v.type FROM deliveries d JOIN events v ON v.id = d.event_id
         WHERE d.endpoint_id = ? AND (? IS NULL OR d.status = ?) ORDER BY d.created_at DESC, d.event_id LIMIT ?`,
        endpointId,
        status ?? null,
        status ?? null,
        limit,
      )
      .toArray();
  }

  /** Forget what is older than `before`: events every endpoint is done with, and their deliveries. */
  prune(before: number): void {
    this.#sql.exec("DELETE FROM deliveries WHERE created_at < ? AND status IN ('delivered', 'failed')", before);
    this.#sql.exec("DELETE FROM events WHERE received_at < ? AND id NOT IN (SELECT event_id FROM deliveries)", before);
  }
}
