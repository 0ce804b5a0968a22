import type { Migration } from "../storage/migrations.ts";
import type { JoinRole, ParticipantStatus, RoomState } from "./admission.ts";
import type { RoomBinding, TokenState } from "./binding.ts";

/** Tables of a SessionRoom. Presence events are kept raw; minutes are derived from them, never counted. */
export const ROOM_MIGRATIONS: Migration[] = [
  {
    id: 1,
    sql: `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE participants (
      id TEXT PRIMARY KEY, role TEXT NOT NULL, status TEXT NOT NULL, seat INTEGER NOT NULL DEFAULT 0,
      first_seen INTEGER NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE tokens (
      jti TEXT PRIMARY KEY, participant_id TEXT NOT NULL, version INTEGER NOT NULL,
      exp INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX tokens_by_participant ON tokens (participant_id);
    CREATE TABLE presence (
      event_id TEXT PRIMARY KEY, participant_id TEXT NOT NULL, type TEXT NOT NULL, at INTEGER NOT NULL, source TEXT NOT NULL);`,
  },
  {
    id: 2,
    sql: `CREATE TABLE records (client_id TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL);
    CREATE TABLE outbox (key TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE excuses (client_id TEXT PRIMARY KEY, reason_code TEXT NOT NULL, by TEXT NOT NULL, at INTEGER NOT NULL);`,
  },
  {
    id: 3,
    sql: "CREATE TABLE audit_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, body TEXT NOT NULL)",
  },
  {
    // Calls the video platform must hear (LiveKit RemoveParticipant / DeleteRoom), written with the
    // action that causes them and kept once done: `revoke_before` bounds the next token's nbf.
    id: 4,
    sql: `CREATE TABLE provider_calls (
      id INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL, identity TEXT NOT NULL DEFAULT '',
      revoke_before INTEGER, attempts INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0)`,
  },
];

export type ParticipantRow = {
  id: string;
  role: JoinRole;
  status: ParticipantStatus;
  seat: number;
  first_seen: number;
  updated_at: number;
};

/** SQL access for one SessionRoom. Every method is synchronous, so a caller can check and write with no await between. */
export class RoomStore {
  private readonly sql: SqlStorage;
  /**
   * Meta values as stored (JSON text, null when absent), read once. This store is the only writer
   * of the table, no transaction here rolls a write back (add one, and clear this map when it
   * throws), and a Durable Object's memory goes with it on any storage failure, so the copy
   * cannot go stale; it spares every join a read of the binding and the room state.
   */
  private readonly meta = new Map<string, string | null>();

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  /** A meta value's stored JSON text, or null. */
  metaJson(key: string): string | null {
    let value = this.meta.get(key);
    if (value === undefined) {
      value = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value ?? null;
      this.meta.set(key, value);
    }
    return value;
  }

  getMeta<T>(key: string): T | null {
    const json = this.metaJson(key);
    return json === null ? null : (JSON.parse(json) as T);
  }

  setMeta(key: string, value: unknown): void {
    const json = JSON.stringify(value);
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      json,
    );
    this.meta.set(key, json);
  }

  roomState(): RoomState {
    return this.getMeta<RoomState>("state") ?? "scheduled";
  }

  participant(id: string): ParticipantRow | null {
    return this.sql.exec<ParticipantRow>("SELECT * FROM participants WHERE id = ?", id).toArray()[0] ?? null;
  }

  participants(): ParticipantRow[] {
    return this.sql.exec<ParticipantRow>("SELECT * FROM participants ORDER BY first_seen, id").toArray();
  }

  /** Clients and family members holding a seat right now. */
  seated(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM participants WHERE seat = 1").one().n;
  }

  upsertParticipant(id: string, role: JoinRole, status: ParticipantStatus, seat: boolean, now: number): void {
    this.sql.exec(
      `INSERT INTO participants (id, role, status, seat, first_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET role = excluded.role, status = excluded.status, seat = excluded.seat,
         updated_at = excluded.updated_at`,
      id,
      role,
      status,
      seat ? 1 : 0,
      now,
      now,
    );
  }

  /** Participants waiting to be admitted, first come first served. */
  waiting(): ParticipantRow[] {
    return this.sql
      .exec<ParticipantRow>("SELECT * FROM participants WHERE status = 'waiting' ORDER BY updated_at, id")
      .toArray();
  }

  addToken(jti: string, participantId: string, version: number, exp: number): void {
    this.sql.exec(
      "INSERT INTO tokens (jti, participant_id, version, exp) VALUES (?, ?, ?, ?)",
      jti,
      participantId,
      version,
      exp,
    );
  }

  /** Participants and their presence facts as stored, for rosters, attendance and tests. */
  snapshot() {
    return {
      roomState: this.roomState(),
      participants: this.participants(),
      presence: this.presence(),
      binding: this.getMeta<RoomBinding>("binding"),
    };
  }

  /** Whether a token id is still good: issued here, not revoked, not expired, for the current version, room not over. */
  tokenState(jti: string, now: number): TokenState {
    const t = this.sql
      .exec<{ participant_id: string; version: number; exp: number; revoked: number }>(
        "SELECT participant_id, version, exp, revoked FROM tokens WHERE jti = ?",
        jti,
      )
      .toArray()[0];
    const binding = this.getMeta<RoomBinding>("binding");
    if (!t || !binding || t.revoked || t.exp * 1000 <= now) return { active: false };
    if (binding.session.status === "cancelled" || t.version !== binding.session.version) return { active: false };
    if (this.roomState() === "closed") return { active: false };
    return { active: true, participantId: t.participant_id, exp: t.exp, version: t.version };
  }

  /** Revoke a participant's tokens, or every token when no participant is given. */
  revokeTokens(participantId?: string): number {
    const cursor = participantId
      ? this.sql.exec("UPDATE tokens SET revoked = 1 WHERE participant_id = ? AND revoked = 0", participantId)
      : this.sql.exec("UPDATE tokens SET revoked = 1 WHERE revoked = 0");
    return cursor.rowsWritten;
  }

  /** Record a presence fact once; a repeated event id changes nothing. */
  addPresence(
    eventId: string,
    participantId: string,
    type: "connect" | "disconnect",
    at: number,
    source: string,
  ): boolean {
    const cursor = this.sql.exec(
      "INSERT OR IGNORE INTO presence (event_id, participant_id, type, at, source) VALUES (?, ?, ?, ?, ?)",
      eventId,
      participantId,
      type,
      at,
      source,
    );
    return cursor.rowsWritten > 0;
  }

  presence(): {
    event_id: string;
    participant_id: string;
    type: "connect" | "disconnect";
    at: number;
    source: string;
  }[] {
    return this.sql
      .exec<{ event_id: string; participant_id: string; type: "connect" | "disconnect"; at: number; source: string }>(
        "SELECT * FROM presence ORDER BY at, event_id",
      )
      .toArray();
  }

  /** Whether the participant's last presence fact is a connect. */
  connected(participantId: string): boolean {
    const row = this.sql
      .exec<{ type: string }>(
        "SELECT type FROM presence WHERE participant_id = ? ORDER BY at DESC, event_id DESC LIMIT 1",
        participantId,
      )
      .toArray()[0];
    return row?.type === "connect";
  }

  /** Per participant, whether the latest presence fact is a connect, and since when (for reconciling with the platform's list). */
  presenceView(): { identity: string; connected: boolean; connectedSince?: number }[] {
    return this.sql
      .exec<{ id: string; type: string | null; at: number | null }>(
        `SELECT p.id AS id, e.type AS type, e.at AS at FROM participants p LEFT JOIN presence e ON e.event_id = (
           SELECT event_id FROM presence WHERE participant_id = p.id ORDER BY at DESC, event_id DESC LIMIT 1)`,
      )
      .toArray()
      .map((r) =>
        r.type === "connect" && r.at !== null
          ? { identity: r.id, connected: true, connectedSince: r.at }
          : { identity: r.id, connected: false },
      );
  }

  /** Queue audit events, written in the same step as the change they describe. */
  queueAudit(events: readonly { actor: string; action: string; object: string; outcome: string }[], at: string): void {
    if (events.length === 0) return;
    // One statement for all of them: a join queues two entries on every call.
    const rows = events.map(() => "(?, ?)").join(", ");
    this.sql.exec(
      `INSERT INTO audit_outbox (at, body) VALUES ${rows}`,
      ...events.flatMap((e) => [at, JSON.stringify(e)]),
    );
  }

  /** The oldest queued audit events, grouped by time for the directory's chain. */
  pendingAudit(limit = 200): { seq: number; at: string; body: string }[] {
    return this.sql
      .exec<{ seq: number; at: string; body: string }>("SELECT * FROM audit_outbox ORDER BY seq LIMIT ?", limit)
      .toArray();
  }

  /** Drop forwarded audit events, up to and including `seq`. */
  auditForwarded(seq: number): void {
    this.sql.exec("DELETE FROM audit_outbox WHERE seq <= ?", seq);
  }
}
