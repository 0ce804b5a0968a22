import { MAX_SESSION_MINUTES, Session } from "../../schemas/session.ts";
import type { Migration } from "../storage/migrations.ts";

/** Tables of the sessions store. `origin_key` makes materialisation and calendar upserts idempotent. */
export const SESSION_MIGRATIONS: Migration[] = [
  {
    id: 1,
    sql: `CREATE TABLE sessions (
      id TEXT PRIMARY KEY, track_id TEXT, origin_key TEXT UNIQUE, status TEXT NOT NULL,
      starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, body TEXT NOT NULL);
    CREATE INDEX sessions_by_start ON sessions (starts_at);
    CREATE INDEX sessions_by_track ON sessions (track_id, starts_at);
    CREATE TABLE session_people (
      session_id TEXT NOT NULL, person_id TEXT NOT NULL, role TEXT NOT NULL,
      starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, PRIMARY KEY (session_id, person_id));
    CREATE INDEX people_by_person ON session_people (person_id, starts_at);`,
  },
];

/** The origin key of a session: one row per track date or per calendar event, never two. */
export function originKey(session: Pick<Session, "origin">): string | null {
  const o = session.origin;
  if (o.type === "track") return `track:${o.occurrenceKey}`;
  if (o.type === "calendar") return `cal:${o.source}:${o.externalId}`;
  return null;
}

/** Who hears of a store's writes: asked first whether it listens, then told the row before and after. */
export interface Watcher<T> {
  active(): boolean;
  changed(before: T | null, after: T | null): void;
}

/** Session occurrences of one program, in its Durable Object's SQLite. */
export class SessionStore {
  private readonly sql: SqlStorage;
  /** Parsed sessions by id (every join reads one); `put` keeps it current. Bounded so a year of rows never piles up. */
  private readonly cache = new Map<string, Session>();

  /** Told of every change in the step that makes it (outbound events, src/events/directory-events.ts). */
  private watcher: Watcher<Session> | null = null;

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  watch(watcher: Watcher<Session>): void {
    this.watcher = watcher;
  }

  /** The stored row itself, not the cache (a caller may have changed its cached copy before putting it). */
  private stored(id: string): Session | null {
    const row = this.sql.exec<{ body: string }>("SELECT body FROM sessions WHERE id = ?", id).toArray()[0];
    return row ? Session.parse(JSON.parse(row.body)) : null;
  }

  /** Insert or replace a session and its people index. */
  put(session: Session): void {
    const before = this.watcher?.active() ? this.stored(session.id) : undefined;
    this.cache.delete(session.id);
    const start = Date.parse(session.startsAt);
    const end = Date.parse(session.endsAt);
    this.sql.exec(
      `INSERT INTO sessions (id, track_id, origin_key, status, starts_at, ends_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, starts_at = excluded.starts_at,
         ends_at = excluded.ends_at, body = excluded.body, origin_key = excluded.origin_key`,
      session.id,
      session.trackId,
      originKey(session),
      session.status,
      start,
      end,
      JSON.stringify(session),
    );
    this.sql.exec("DELETE FROM session_people WHERE session_id = ?", session.id);
    const people: [string, string][] = [
      ...session.facilitatorIds.map((p): [string, string] => [p, "facilitator"]),
      ...session.clientIds.map((p): [string, string] => [p, "client"]),
      ...session.familyIds.map((p): [string, string] => [p, "family"]),
      ...session.observerIds.map((p): [string, string] => [p, "observer"]),
    ];
    for (const [person, role] of people) {
      this.sql.exec(
        "INSERT OR IGNORE INTO session_people (session_id, person_id, role, starts_at, ends_at) VALUES (?, ?, ?, ?, ?)",
        session.id,
        person,
        role,
        start,
        end,
      );
    }
    if (before !== undefined) this.watcher?.changed(before, session);
  }

  /**
   * Remove a session and its people index, and forget it here (a join asks this store). Only for a
   * session the calendar made for half of a reschedule chain and then merged into the chain's own
   * (`CalendarApplier`): the one place a session row is ever deleted.
   */
  delete(id: string): void {
    const before = this.watcher?.active() ? this.stored(id) : undefined;
    if (before !== undefined) this.watcher?.changed(before, null);
    this.cache.delete(id);
    this.sql.exec("DELETE FROM session_people WHERE session_id = ?", id);
    this.sql.exec("DELETE FROM sessions WHERE id = ?", id);
  }

  /** One session by id. */
  get(id: string): Session | null {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const row = this.sql.exec<{ body: string }>("SELECT body FROM sessions WHERE id = ?", id).toArray()[0];
    if (!row) return null;
    const session = Session.parse(JSON.parse(row.body));
    if (this.cache.size >= 256) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(id, session);
    return session;
  }

  /** The session materialised for an origin key, if any. */
  byOrigin(key: string): Session | null {
    const row = this.sql.exec<{ body: string }>("SELECT body FROM sessions WHERE origin_key = ?", key).toArray()[0];
    return row ? Session.parse(JSON.parse(row.body)) : null;
  }

  /** Sessions starting in [from, to), optionally of one track, in start order (index range scan). */
  range(from: number, to: number, opts: { trackId?: string; limit: number }): Session[] {
    const rows = opts.trackId
      ? this.sql.exec<{ body: string }>(
          "SELECT body FROM sessions WHERE track_id = ? AND starts_at >= ? AND starts_at < ? ORDER BY starts_at, id LIMIT ?",
          opts.trackId,
          from,
          to,
          opts.limit,
        )
      : this.sql.exec<{ body: string }>(
          "SELECT body FROM sessions WHERE starts_at >= ? AND starts_at < ? ORDER BY starts_at, id LIMIT ?",
          from,
          to,
          opts.limit,
        );
    return rows.toArray().map((r) => Session.parse(JSON.parse(r.body)));
  }

  /**
   * A page of the sessions that overlap [from, to) — running at any moment of it, as CalDAV, Graph's
   * calendarView and Google list events — in start order after `after` (the last of the previous
   * page). Only the sessions a client may see when `clientId` is given.
   */
  overlapping(
    from: number,
    to: number,
    opts: {
      trackId?: string;
      clientId?: string;
      facilitatorId?: string;
      after?: { start: number; id: string };
      limit: number;
    },
  ): Session[] {
    const where = ["starts_at < ?", "starts_at > ?", "ends_at > ?"];
    const args: (string | number)[] = [to, from - MAX_SESSION_MINUTES * 60_000, from];
    if (opts.trackId) {
      where.push("track_id = ?");
      args.push(opts.trackId);
    }
    if (opts.clientId) {
      where.push(`(id IN (SELECT session_id FROM session_people WHERE person_id = ?)
        OR track_id IN (SELECT track_id FROM enrollments WHERE client_id = ? AND status = 'active'))`);
      args.push(opts.clientId, opts.clientId);
    }
    if (opts.facilitatorId) {
      where.push("id IN (SELECT session_id FROM session_people WHERE person_id = ? AND role = 'facilitator')");
      args.push(opts.facilitatorId);
    }
    if (opts.after) {
      where.push("(starts_at, id) > (?, ?)");
      args.push(opts.after.start, opts.after.id);
    }
    return this.sql
      .exec<{ body: string }>(
        `SELECT body FROM sessions WHERE ${where.join(" AND ")} ORDER BY starts_at, id LIMIT ?`,
        ...args,
        opts.limit,
      )
      .toArray()
      .map((r) => Session.parse(JSON.parse(r.body)));
  }

  /** Clients listed on scheduled sessions starting in [from, to): individual, family and ad-hoc group sessions. */
  listedClients(from: number, to: number): string[] {
    return this.sql
      .exec<{ person_id: string }>(
        `SELECT DISTINCT p.person_id AS person_id FROM session_people p JOIN sessions s ON s.id = p.session_id
         WHERE p.role = 'client' AND s.status = 'scheduled' AND s.starts_at >= ? AND s.starts_at < ?`,
        from,
        to,
      )
      .toArray()
      .map((r) => r.person_id);
  }

  /**
   * A scheduled session overlapping [start, end) that one of these people is due at — leading it,
   * listed on it, or (for a client) in the group track they are enrolled in — other than the rows
   * of `exceptTrackId` (the series being checked, whose rows are about to follow its rule).
   */
  peopleClash(
    people: { facilitators: readonly string[]; clients: readonly string[] },
    start: number,
    end: number,
    exceptTrackId: string,
  ): string | null {
    const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");
    const clauses: string[] = [];
    const args: string[] = [];
    if (people.facilitators.length) {
      clauses.push(
        `s.id IN (SELECT session_id FROM session_people WHERE role = 'facilitator' AND person_id IN (${marks(people.facilitators.length)}))`,
      );
      args.push(...people.facilitators);
    }
    if (people.clients.length) {
      const m = marks(people.clients.length);
      clauses.push(
        `s.id IN (SELECT session_id FROM session_people WHERE role = 'client' AND person_id IN (${m}))`,
        `s.track_id IN (SELECT track_id FROM enrollments WHERE status = 'active' AND client_id IN (${m}))`,
      );
      args.push(...people.clients, ...people.clients);
    }
    if (clauses.length === 0) return null;
    const row = this.sql
      .exec<{ id: string }>(
        `SELECT s.id AS id FROM sessions s
         WHERE s.status = 'scheduled' AND s.starts_at < ? AND s.starts_at > ? AND s.ends_at > ?
           AND s.track_id IS NOT ? AND (${clauses.join(" OR ")}) ORDER BY s.starts_at LIMIT 1`,
        end,
        start - MAX_SESSION_MINUTES * 60_000,
        start,
        exceptTrackId,
        ...args,
      )
      .toArray()[0];
    return row?.id ?? null;
  }

  /** Scheduled sessions where one of `facilitatorIds` already leads at an overlapping time. */
  facilitatorClash(facilitatorIds: string[], start: number, end: number, exceptSessionId?: string): string | null {
    for (const person of facilitatorIds) {
      const row = this.sql
        .exec<{ id: string }>(
          `SELECT s.id AS id FROM session_people p JOIN sessions s ON s.id = p.session_id
           WHERE p.person_id = ? AND p.role = 'facilitator' AND s.status = 'scheduled'
             AND p.starts_at < ? AND p.ends_at > ? AND s.id IS NOT ? LIMIT 1`,
          person,
          end,
          start,
          exceptSessionId ?? null,
        )
        .toArray()[0];
      if (row) return row.id;
    }
    return null;
  }
}
