import { Enrollment, type EnrollmentQuery } from "../../schemas/enrollment.ts";
import type { Migration } from "../storage/migrations.ts";
import type { Watcher } from "./session-store.ts";

/** Tables of the enrollments store. */
export const ENROLLMENT_MIGRATIONS: Migration[] = [
  {
    id: 1,
    sql: `CREATE TABLE enrollments (
      id TEXT PRIMARY KEY, client_id TEXT NOT NULL, track_id TEXT NOT NULL, status TEXT NOT NULL, body TEXT NOT NULL);
    CREATE INDEX enrollments_by_track ON enrollments (track_id, status);
    CREATE INDEX enrollments_by_client ON enrollments (client_id, status);`,
  },
];

/** Clients whose current enrollment is kept in memory (a program has a few hundred at most). */
const CURRENT_CACHE_SIZE = 2048;

/** Enrollments of one program, in its Durable Object's SQLite. */
export class EnrollmentStore {
  private readonly sql: SqlStorage;
  /**
   * `current(clientId)` answers, read once: every join asks it. `put` is the only write to the
   * table and forgets the client's entry, so a discharge is seen by the very next join.
   */
  private readonly currentByClient = new Map<string, Enrollment | null>();
  /** `activeInTrack` answers, read once: a make-up visitor's join asks it. Any `put` forgets them all. */
  private readonly activeByTrack = new Map<string, Enrollment[]>();

  /** Told of every change in the step that makes it (outbound events, src/events/directory-events.ts). */
  private watcher: Watcher<Enrollment> | null = null;

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  watch(watcher: Watcher<Enrollment>): void {
    this.watcher = watcher;
  }

  /** Insert or replace an enrollment (a display name, if the view carried one, stays in the people table). */
  put(view: Enrollment): void {
    const { displayName: _, ...e } = view;
    const before = this.watcher?.active() ? this.get(e.id) : undefined;
    this.currentByClient.delete(e.clientId);
    this.activeByTrack.clear();
    this.sql.exec(
      `INSERT INTO enrollments (id, client_id, track_id, status, body) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET track_id = excluded.track_id, status = excluded.status, body = excluded.body`,
      e.id,
      e.clientId,
      e.trackId,
      e.status,
      JSON.stringify(e),
    );
    if (before !== undefined) this.watcher?.changed(before, e);
  }

  /** One enrollment by id. */
  get(id: string): Enrollment | null {
    const row = this.sql.exec<{ body: string }>("SELECT body FROM enrollments WHERE id = ?", id).toArray()[0];
    return row ? Enrollment.parse(JSON.parse(row.body)) : null;
  }

  /** How many clients hold an active place in a track: the number the track's cap bounds. */
  activeCount(trackId: string): number {
    return this.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM enrollments WHERE track_id = ? AND status = 'active'", trackId)
      .one().n;
  }

  /** The client's enrollment that is not discharged, if any (a client holds one place at a time). */
  current(clientId: string): Enrollment | null {
    const cached = this.currentByClient.get(clientId);
    if (cached !== undefined) return cached;
    const row = this.sql
      .exec<{ body: string }>(
        "SELECT body FROM enrollments WHERE client_id = ? AND status != 'discharged' LIMIT 1",
        clientId,
      )
      .toArray()[0];
    const found = row ? Enrollment.parse(JSON.parse(row.body)) : null;
    if (this.currentByClient.size >= CURRENT_CACHE_SIZE) {
      this.currentByClient.delete(this.currentByClient.keys().next().value as string);
    }
    this.currentByClient.set(clientId, found);
    return found;
  }

  /** Whether the client was ever enrolled here (discharged ones included). */
  known(clientId: string): boolean {
    return this.sql.exec("SELECT 1 FROM enrollments WHERE client_id = ? LIMIT 1", clientId).toArray().length > 0;
  }

  /** Active enrollments of a track, e.g. the expected clients of its group sessions. */
  activeInTrack(trackId: string): Enrollment[] {
    const cached = this.activeByTrack.get(trackId);
    if (cached) return cached;
    const found = this.sql
      .exec<{ body: string }>("SELECT body FROM enrollments WHERE track_id = ? AND status = 'active'", trackId)
      .toArray()
      .map((r) => Enrollment.parse(JSON.parse(r.body)));
    this.activeByTrack.set(trackId, found);
    return found;
  }

  /** Enrollments in the order they were made, optionally of one track and/or one status. */
  list(query: EnrollmentQuery): Enrollment[] {
    return this.sql
      .exec<{ body: string }>(
        `SELECT body FROM enrollments WHERE (?1 IS NULL OR track_id = ?1) AND (?2 IS NULL OR status = ?2)
         ORDER BY rowid LIMIT ?3`,
        query.trackId ?? null,
        query.status ?? null,
        query.limit,
      )
      .toArray()
      .map((r) => Enrollment.parse(JSON.parse(r.body)));
  }

  /** Every active enrollment of the program. */
  allActive(): Enrollment[] {
    return this.sql
      .exec<{ body: string }>("SELECT body FROM enrollments WHERE status = 'active' ORDER BY client_id")
      .toArray()
      .map((r) => Enrollment.parse(JSON.parse(r.body)));
  }
}
