import type { Migration } from "../storage/migrations.ts";
import type { Enrolment } from "../video/realtimekit/enrolment.ts";
import type { RtkChange, RtkView, StoredEnrolment } from "../video/realtimekit/enrolment-runner.ts";
import { extraIdentity, type RealtimeKitLedger } from "../video/realtimekit/room-service.ts";
import type { ProviderCallStore } from "./provider-call-store.ts";
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

/** The tag of the name RealtimeKit shows for one enrolment (src/video/realtimekit/name-tag.ts): never the name. */
type Named = { rtk: string; tag: string };
const nameKey = (participantId: string) => `rtk:name:${participantId}`;

/**
 * One occurrence's RealtimeKit state: the meeting (meta `rtk:meeting`, `rtk:createSent`, `rtk:ended`),
 * each participant's enrolment and token (`rtk_enrolments`), the tag of the name each enrolment shows
 * (`rtk:name:<participant id>`: RealtimeKit's participant id and the tag), the observed token lifetime
 * (`rtk:ttl`) and when pre-enrolment runs next (`rtk:enrolAt`, ms). Synchronous: each change is one
 * step of the room's. One participant per person: the first enrolment recorded is kept, and a later one
 * for the same person (two additions that raced) is queued for deletion in the room's provider-call
 * outbox (`provider_calls`) in the same step.
 */
export class RealtimeKitStore implements RealtimeKitLedger {
  readonly #sql: SqlStorage;
  readonly #meta: RoomStore;
  readonly #calls: ProviderCallStore;

  constructor(sql: SqlStorage, meta: RoomStore, calls: ProviderCallStore) {
    this.#sql = sql;
    this.#meta = meta;
    this.#calls = calls;
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
    if (!row) return null;
    const named = this.#meta.getMeta<Named>(nameKey(participantId));
    return { ...toEnrolment(row), nameTag: named?.rtk === row.rtk_participant_id ? named.tag : null };
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

  /** Forget an enrolment deleted on RealtimeKit, unless it was replaced meanwhile (a newer one stays). */
  removed(participantId: string, rtkParticipantId: string): void {
    this.#sql.exec(
      "DELETE FROM rtk_enrolments WHERE participant_id = ? AND rtk_participant_id = ?",
      participantId,
      rtkParticipantId,
    );
    const key = nameKey(participantId);
    if (this.#meta.getMeta<Named>(key)?.rtk === rtkParticipantId) this.#meta.setMeta(key, null);
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
      case "enrol": {
        // Someone already enrolled (a join racing the alarm): keep the first, delete this extra.
        const held = this.rtkParticipantId(participantId);
        if (held !== null) {
          if (held !== change.rtkParticipantId)
            this.#calls.queueProviderCall("remove", extraIdentity(change.rtkParticipantId), null);
          return;
        }
        this.#sql.exec(
          `INSERT INTO rtk_enrolments (participant_id, rtk_participant_id, preset, token, expires_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
          participantId,
          change.rtkParticipantId,
          change.preset,
          change.token,
          change.expiresAt,
          now,
        );
        this.#meta.setMeta(nameKey(participantId), { rtk: change.rtkParticipantId, tag: change.nameTag });
        this.#observeTtl(change.ttl);
        return;
      }
      case "refreshed":
        this.#newToken(participantId, change.rtkParticipantId, change.token, change.expiresAt, now);
        this.#observeTtl(change.ttl);
        return;
      case "renamed":
        if (this.rtkParticipantId(participantId) !== change.rtkParticipantId) return;
        this.#meta.setMeta(nameKey(participantId), { rtk: change.rtkParticipantId, tag: change.nameTag });
        if (change.token !== null)
          this.#newToken(participantId, change.rtkParticipantId, change.token, change.expiresAt, now);
        return;
      case "drop":
        this.removed(participantId, change.rtkParticipantId);
        return;
      case "discarded": {
        const identity = extraIdentity(change.rtkParticipantId);
        for (const call of this.#calls.pendingProviderCalls()) {
          if (call.op === "remove" && call.identity === identity) this.#calls.providerCallSettled(call.id, true);
        }
        return;
      }
    }
  }

  /** A newer token for the enrolment, if it is still that participant and the token lasts no less. */
  #newToken(participantId: string, rtkParticipantId: string, token: string, expiresAt: number, now: number): void {
    this.#sql.exec(
      `UPDATE rtk_enrolments SET token = ?, expires_at = ?, updated_at = ?
       WHERE participant_id = ? AND rtk_participant_id = ? AND expires_at <= ?`,
      token,
      expiresAt,
      now,
      participantId,
      rtkParticipantId,
      expiresAt,
    );
  }

  #observeTtl(ttl: number | null): void {
    if (ttl !== null && ttl > 0 && this.tokenTtl() !== ttl) this.#meta.setMeta("rtk:ttl", ttl);
  }
}

function toEnrolment(row: Row): Omit<StoredEnrolment, "nameTag"> {
  return {
    rtkParticipantId: row.rtk_participant_id,
    preset: row.preset,
    tokenExpiresAt: row.expires_at,
    token: row.token,
  };
}
