import type { Migration } from "../storage/migrations.ts";
import type { Enrolment } from "../video/realtimekit/enrolment.ts";
import type { RtkChange, RtkView, StoredEnrolment } from "../video/realtimekit/enrolment-runner.ts";
import type { RealtimeKitLedger } from "../video/realtimekit/room-service.ts";
import type { RoomStore } from "./room-store.ts";

/**
 * Tables of the room's RealtimeKit enrolments (migration scope `room-rtk`). The token is kept because
 * RealtimeKit cannot sign offline and a join hands it out; it never leaves the room except to the
 * participant it was issued for, and is deleted when they are removed.
 */
export const RTK_MIGRATIONS: Migration[] = [
  {
    id: 1,
    sql: `CREATE TABLE rtk_enrolments (
      participant_id TEXT PRIMARY KEY, rtk_participant_id TEXT NOT NULL, preset TEXT NOT NULL,
      token TEXT NOT NULL, expires_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`,
  },
];

type Row = { participant_id: string; rtk_participant_id: string; preset: string; token: string; expires_at: number };

/**
 * One occurrence's RealtimeKit state: the meeting (meta `rtk:meeting`, `rtk:createSent`, `rtk:ended`),
 * each participant's enrolment and token (`rtk_enrolments`), the observed token lifetime (`rtk:ttl`)
 * and when pre-enrolment runs next (`rtk:enrolAt`, ms). Synchronous: each change is one step of the room's.
 */
export class RealtimeKitStore implements RealtimeKitLedger {
  readonly #sql: SqlStorage;
  readonly #meta: RoomStore;

  constructor(sql: SqlStorage, meta: RoomStore) {
    this.#sql = sql;
    this.#meta = meta;
  }

  /** What a join or a plan reads; `change` first applies what RealtimeKit answered. */
  realtimeKit(participantId: string, change?: RtkChange, now = Date.now()): RtkView {
    if (change) this.#apply(participantId, change, now);
    return {
      meetingId: this.meetingId(),
      meetingActive: this.#meta.getMeta<boolean>("rtk:ended") !== true,
      createSent: this.#meta.getMeta<boolean>("rtk:createSent") === true,
      enrolment: participantId ? this.enrolment(participantId) : null,
    };
  }

  meetingId(): string | null {
    return this.#meta.getMeta<string>("rtk:meeting");
  }

  enrolment(participantId: string): StoredEnrolment | null {
    const row = this.#sql
      .exec<Row>("SELECT * FROM rtk_enrolments WHERE participant_id = ?", participantId)
      .toArray()[0];
    return row ? toEnrolment(row) : null;
  }

  /** Everyone enrolled, as the plan reads them. */
  enrolments(): Record<string, Enrolment> {
    const out: Record<string, Enrolment> = {};
    for (const row of this.#sql.exec<Row>("SELECT * FROM rtk_enrolments")) {
      const { token: _, ...e } = toEnrolment(row);
      out[row.participant_id] = e;
    }
    return out;
  }

  rtkParticipantId(participantId: string): string | null {
    return this.enrolment(participantId)?.rtkParticipantId ?? null;
  }

  removed(participantId: string): void {
    this.#sql.exec("DELETE FROM rtk_enrolments WHERE participant_id = ?", participantId);
  }

  meetingEnded(): void {
    this.#meta.setMeta("rtk:ended", true);
  }

  /** A fresh token's lifetime as last observed (s), for planning refreshes. */
  tokenTtl(): number | undefined {
    return this.#meta.getMeta<number>("rtk:ttl") ?? undefined;
  }

  /** When pre-enrolment runs next (ms), null when it has nothing more to do, undefined before its first run. */
  nextRunAt(): number | null | undefined {
    const json = this.#meta.metaJson("rtk:enrolAt");
    return json === null ? undefined : (JSON.parse(json) as number | null);
  }

  setNextRunAt(at: number | null): void {
    this.#meta.setMeta("rtk:enrolAt", at);
  }

  #apply(participantId: string, change: RtkChange, now: number): void {
    switch (change.kind) {
      case "create-sent":
        this.#meta.setMeta("rtk:createSent", true);
        return;
      case "meeting":
        // The first meeting recorded wins: two joins that raced to make one both use the one kept.
        if (!this.meetingId()) this.#meta.setMeta("rtk:meeting", change.meetingId);
        this.#meta.setMeta("rtk:createSent", false);
        return;
      case "meeting-ended":
        this.meetingEnded();
        return;
      case "enrol":
        // The first enrolment wins too (a join racing the alarm): the other participant stays unused until the meeting ends.
        this.#sql.exec(
          `INSERT INTO rtk_enrolments (participant_id, rtk_participant_id, preset, token, expires_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (participant_id) DO UPDATE SET rtk_participant_id = excluded.rtk_participant_id,
             preset = excluded.preset, token = excluded.token, expires_at = excluded.expires_at, updated_at = excluded.updated_at
           WHERE rtk_enrolments.preset <> excluded.preset`,
          participantId,
          change.rtkParticipantId,
          change.preset,
          change.token,
          change.expiresAt,
          now,
        );
        this.#observeTtl(change.ttl);
        return;
      case "refreshed":
        this.#sql.exec(
          "UPDATE rtk_enrolments SET token = ?, expires_at = ?, updated_at = ? WHERE participant_id = ? AND expires_at <= ?",
          change.token,
          change.expiresAt,
          now,
          participantId,
          change.expiresAt,
        );
        this.#observeTtl(change.ttl);
        return;
      case "drop":
        this.removed(participantId);
        return;
    }
  }

  #observeTtl(ttl: number | null): void {
    if (ttl !== null && ttl > 0 && this.tokenTtl() !== ttl) this.#meta.setMeta("rtk:ttl", ttl);
  }
}

function toEnrolment(row: Row): StoredEnrolment {
  return {
    rtkParticipantId: row.rtk_participant_id,
    preset: row.preset,
    tokenExpiresAt: row.expires_at,
    token: row.token,
  };
}
