import type { Migration } from "../../storage/migrations.ts";

/**
 * Tables of the calendar integration, in the program's Durable Object (scope "calendar").
 * Nothing here holds a title, a name or an e-mail: events are kept by external id and version,
 * attendees by opaque client id or keyed e-mail hash.
 */
export const CALENDAR_MIGRATIONS: Migration[] = [
  {
    id: 1,
    sql: `CREATE TABLE calendar_config (
      id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL, email_key TEXT NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE calendar_deliveries (
      source TEXT NOT NULL, delivery_id TEXT NOT NULL, received_at INTEGER NOT NULL, PRIMARY KEY (source, delivery_id));
    CREATE INDEX calendar_deliveries_by_age ON calendar_deliveries (received_at);
    CREATE TABLE calendar_events (
      source TEXT NOT NULL, external_id TEXT NOT NULL, version INTEGER NOT NULL, cancelled INTEGER NOT NULL,
      track_ref TEXT, session_id TEXT, body TEXT NOT NULL, PRIMARY KEY (source, external_id));
    CREATE INDEX calendar_events_by_ref ON calendar_events (source, track_ref);
    CREATE TABLE calendar_aliases (
      source TEXT NOT NULL, alias TEXT NOT NULL, external_id TEXT NOT NULL, PRIMARY KEY (source, alias));
    CREATE INDEX calendar_aliases_by_target ON calendar_aliases (source, external_id);
    CREATE TABLE calendar_people (
      source TEXT NOT NULL, external_id TEXT NOT NULL, person TEXT NOT NULL, version INTEGER NOT NULL,
      present INTEGER NOT NULL, PRIMARY KEY (source, external_id, person));
    CREATE INDEX calendar_people_by_person ON calendar_people (person, present);
    CREATE TABLE calendar_emails (enrollment_id TEXT PRIMARY KEY, client_id TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE INDEX calendar_emails_by_hash ON calendar_emails (hash);
    CREATE TABLE calendar_work (
      kind TEXT NOT NULL, ref TEXT NOT NULL, detail TEXT NOT NULL, due_at INTEGER NOT NULL,
      claimed_until INTEGER NOT NULL DEFAULT 0, gen INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (kind, ref));
    CREATE TABLE calendar_sync (
      source TEXT NOT NULL, ref TEXT NOT NULL, sync_token TEXT, synced_at INTEGER, PRIMARY KEY (source, ref));`,
  },
  {
    // Follow-up work runs from the directory's alarm (no leases); renewal attempts are kept for the status.
    id: 2,
    sql: `CREATE TABLE calendar_followups (
      kind TEXT NOT NULL, ref TEXT NOT NULL, detail TEXT NOT NULL, due_at INTEGER NOT NULL,
      asked_again INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
      PRIMARY KEY (kind, ref));
    CREATE INDEX calendar_followups_by_due ON calendar_followups (due_at);
    INSERT INTO calendar_followups (kind, ref, detail, due_at)
      SELECT CASE kind WHEN 'graph-removed' THEN 'graph-recreate' ELSE kind END, ref, detail, due_at FROM calendar_work;
    DROP TABLE calendar_work;
    CREATE TABLE calendar_renewals (
      kind TEXT NOT NULL, ref TEXT NOT NULL, attempted_at INTEGER NOT NULL, ok INTEGER NOT NULL, detail TEXT NOT NULL,
      PRIMARY KEY (kind, ref));`,
  },
];
