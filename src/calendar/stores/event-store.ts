import type { CalendarRecord, PersonState } from "../event-merge.ts";

/** How long a delivery id is remembered: beyond every sender's retry horizon (the longest is about three days). */
export const DELIVERY_RETENTION_MS = 7 * 24 * 3600 * 1000;

// Pruning is lazy and bounded, so one delivery never pays for a long backlog.
const PRUNE_BATCH = 200;

type EventRow = {
  version: number;
  cancelled: number;
  track_ref: string | null;
  session_id: string | null;
  body: string;
};

/** Calendar events by `(source, externalId)`, their aliases and attendees, and the delivery ids already seen. */
export class CalendarEventStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  /** Record a delivery id; false when it was seen already (the caller then does nothing). Prunes old ids. */
  firstDelivery(source: string, deliveryId: string, now: number): boolean {
    const seen = this.sql
      .exec("SELECT 1 FROM calendar_deliveries WHERE source = ? AND delivery_id = ?", source, deliveryId)
      .toArray();
    if (seen.length > 0) return false;
    this.sql.exec(
      `DELETE FROM calendar_deliveries WHERE rowid IN (
         SELECT rowid FROM calendar_deliveries WHERE received_at < ? ORDER BY received_at LIMIT ?)`,
      now - DELIVERY_RETENTION_MS,
      PRUNE_BATCH,
    );
    this.sql.exec(
      "INSERT INTO calendar_deliveries (source, delivery_id, received_at) VALUES (?, ?, ?)",
      source,
      deliveryId,
      now,
    );
    return true;
  }

  /** The external id an id stands for: itself, or the root it was declared an alias of. */
  resolve(source: string, externalId: string): string {
    const row = this.sql
      .exec<{ external_id: string }>(
        "SELECT external_id FROM calendar_aliases WHERE source = ? AND alias = ?",
        source,
        externalId,
      )
      .toArray()[0];
    return row?.external_id ?? externalId;
  }

  /** Make `alias` (and every alias that pointed at it) stand for `root`. */
  addAlias(source: string, alias: string, root: string): void {
    this.sql.exec(
      "UPDATE calendar_aliases SET external_id = ? WHERE source = ? AND external_id = ?",
      root,
      source,
      alias,
    );
    this.sql.exec(
      `INSERT INTO calendar_aliases (source, alias, external_id) VALUES (?, ?, ?)
       ON CONFLICT (source, alias) DO UPDATE SET external_id = excluded.external_id`,
      source,
      alias,
      root,
    );
  }

  /** One event's record, or null when never seen. */
  get(source: string, externalId: string): CalendarRecord | null {
    const row = this.sql
      .exec<EventRow>(
        "SELECT version, cancelled, track_ref, session_id, body FROM calendar_events WHERE source = ? AND external_id = ?",
        source,
        externalId,
      )
      .toArray()[0];
    if (!row) return null;
    const body = JSON.parse(row.body) as Partial<CalendarRecord>;
    return {
      ...body,
      version: row.version,
      cancelled: row.cancelled === 1,
      trackRef: row.track_ref,
      sessionId: row.session_id,
    };
  }

  /** Insert or replace an event's record. */
  put(source: string, externalId: string, rec: CalendarRecord): void {
    const { version, cancelled, trackRef, sessionId, ...body } = rec;
    this.sql.exec(
      `INSERT INTO calendar_events (source, external_id, version, cancelled, track_ref, session_id, body)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source, external_id) DO UPDATE SET version = excluded.version, cancelled = excluded.cancelled,
         track_ref = excluded.track_ref, session_id = excluded.session_id, body = excluded.body`,
      source,
      externalId,
      version,
      cancelled ? 1 : 0,
      trackRef,
      sessionId,
      JSON.stringify(body),
    );
  }

  /** Forget a record (after it was merged into its root), with its attendees. */
  delete(source: string, externalId: string): void {
    this.sql.exec("DELETE FROM calendar_events WHERE source = ? AND external_id = ?", source, externalId);
    this.sql.exec("DELETE FROM calendar_people WHERE source = ? AND external_id = ?", source, externalId);
  }

  /** Live (not cancelled) events of one calendar that have a session: the candidates a full sync may cancel. */
  liveWithSession(source: string, trackRef: string): string[] {
    return this.sql
      .exec<{ external_id: string }>(
        `SELECT external_id FROM calendar_events
         WHERE source = ? AND track_ref = ? AND cancelled = 0 AND session_id IS NOT NULL`,
        source,
        trackRef,
      )
      .toArray()
      .map((r) => r.external_id);
  }

  /** Live events whose id starts with `prefix` (a Graph series' occurrences: `OID.{masterId}.`), at most 2,000. */
  liveWithPrefix(source: string, prefix: string): string[] {
    return this.sql
      .exec<{ external_id: string }>(
        `SELECT external_id FROM calendar_events
         WHERE source = ? AND cancelled = 0 AND substr(external_id, 1, ?) = ? LIMIT 2000`,
        source,
        prefix.length,
        prefix,
      )
      .toArray()
      .map((r) => r.external_id);
  }

  /** An event's attendees, present or not, with their versions. */
  people(source: string, externalId: string): Map<string, PersonState> {
    const rows = this.sql
      .exec<{ person: string; version: number; present: number }>(
        "SELECT person, version, present FROM calendar_people WHERE source = ? AND external_id = ?",
        source,
        externalId,
      )
      .toArray();
    return new Map(rows.map((r) => [r.person, { version: r.version, present: r.present === 1 }]));
  }

  /** Write attendee states. */
  putPeople(source: string, externalId: string, updates: ReadonlyMap<string, PersonState>): void {
    for (const [person, s] of updates) {
      this.sql.exec(
        `INSERT INTO calendar_people (source, external_id, person, version, present) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (source, external_id, person) DO UPDATE SET version = excluded.version, present = excluded.present`,
        source,
        externalId,
        person,
        s.version,
        s.present ? 1 : 0,
      );
    }
  }

  /** Events where a person (`h:<hash>`) is a present attendee, so a newly known e-mail can join them. */
  eventsWith(person: string, limit: number): { source: string; externalId: string }[] {
    return this.sql
      .exec<{ source: string; external_id: string }>(
        "SELECT source, external_id FROM calendar_people WHERE person = ? AND present = 1 LIMIT ?",
        person,
        limit,
      )
      .toArray()
      .map((r) => ({ source: r.source, externalId: r.external_id }));
  }

  /** A source's calendar got a new id (a re-created Graph subscription): its events follow it. */
  retrack(source: string, oldRef: string, newRef: string): void {
    this.sql.exec(
      "UPDATE calendar_events SET track_ref = ? WHERE source = ? AND track_ref = ?",
      newRef,
      source,
      oldRef,
    );
  }
}
