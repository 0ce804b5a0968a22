import { Enrollment } from "../../schemas/enrollment.ts";
import type { Migration } from "../storage/migrations.ts";

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

/** Enrollments of one program, in its Durable Object's SQLite. */
export class EnrollmentStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  /** Insert or replace an enrollment. */
  put(e: Enrollment): void {
    this.sql.exec(
      `INSERT INTO enrollments (id, client_id, track_id, status, body) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET track_id = excluded.track_id, status = excluded.status, body = excluded.body`,
      e.id,
      e.clientId,
      e.trackId,
      e.status,
      JSON.stringify(e),
    );
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
    const row = this.sql
      .exec<{ body: string }>(
        "SELECT body FROM enrollments WHERE client_id = ? AND status != 'discharged' LIMIT 1",
        clientId,
      )
      .toArray()[0];
    return row ? Enrollment.parse(JSON.parse(row.body)) : null;
  }

  /** Active enrollments of a track, e.g. the expected clients of its group sessions. */
  activeInTrack(trackId: string): Enrollment[] {
    return this.sql
      .exec<{ body: string }>("SELECT body FROM enrollments WHERE track_id = ? AND status = 'active'", trackId)
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
