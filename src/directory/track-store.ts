import { Track } from "../../schemas/track.ts";
import type { Migration } from "../storage/migrations.ts";

/** Tables of the tracks store. */
export const TRACK_MIGRATIONS: Migration[] = [
  { id: 1, sql: "CREATE TABLE tracks (id TEXT PRIMARY KEY, status TEXT NOT NULL, body TEXT NOT NULL)" },
];

/** Tracks of one program, in its Durable Object's SQLite. */
export class TrackStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  /** Insert or replace a track. */
  put(track: Track): void {
    this.sql.exec(
      "INSERT INTO tracks (id, status, body) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status, body = excluded.body",
      track.id,
      track.status,
      JSON.stringify(track),
    );
  }

  /** One track by id. */
  get(id: string): Track | null {
    const row = this.sql.exec<{ body: string }>("SELECT body FROM tracks WHERE id = ?", id).toArray()[0];
    return row ? Track.parse(JSON.parse(row.body)) : null;
  }

  /** Every track, oldest first. */
  all(): Track[] {
    return this.sql
      .exec<{ body: string }>("SELECT body FROM tracks ORDER BY rowid")
      .toArray()
      .map((r) => Track.parse(JSON.parse(r.body)));
  }
}
