import type { AttendanceCorrection, AttendanceRecord, SessionRoster } from "../../schemas/attendance.ts";
import { applyCorrection } from "../attendance/record.ts";
import { sessionRoster } from "../attendance/roster.ts";
import { attendanceEvent } from "../events/catalogue.ts";
import type { EventOutbox } from "../events/outbox.ts";
import type { RoomBinding } from "./binding.ts";
import { finalRecords, policyOf, toPresenceEvents } from "./finalize.ts";
import type { LedgerStore } from "./ledger-store.ts";
import type { RoomStore } from "./room-store.ts";

/**
 * A room's attendance: the roster from its presence facts, and the final records written once. Each
 * record version saved queues its event (attendance.finalized, then .corrected) in the same step.
 */
export class RoomAttendance {
  readonly #store: RoomStore;
  readonly #ledger: LedgerStore;
  readonly #events: EventOutbox;

  constructor(store: RoomStore, ledger: LedgerStore, events: EventOutbox) {
    this.#store = store;
    this.#ledger = ledger;
    this.#events = events;
  }

  #save(record: AttendanceRecord): void {
    this.#ledger.save(record);
    const part2 = this.#store.getMeta<RoomBinding>("binding")?.settings.part2 ?? true;
    this.#events.queue(attendanceEvent({ programId: record.programId, part2 }, record));
  }

  /** The roster: live while the session runs, final (and equal to the KV records) once it ended. */
  roster(binding: RoomBinding, expected: string[], now: number): SessionRoster {
    const finalAt = this.#store.getMeta<number>("finalizedAt");
    const excuses = this.#ledger.excuses();
    const known = new Map(this.#store.participants().map((p) => [p.id, p.role]));
    for (const id of expected) if (!known.has(id)) known.set(id, "client");
    const roster = sessionRoster({
      sessionId: binding.session.id,
      scheduledStart: Date.parse(binding.session.startsAt),
      scheduledEnd: Date.parse(binding.session.endsAt),
      participants: [...known].map(([participantId, role]) => ({
        participantId,
        role,
        expected: expected.includes(participantId),
        excused: excuses.has(participantId) || this.#ledger.record(participantId)?.status === "excused",
      })),
      events: toPresenceEvents(this.#store.presence()),
      policy: policyOf(binding),
      final: finalAt !== null,
      asOf: finalAt ?? now,
    });
    // Once final, a client's line is their ledger record as it stands now: corrected values, the original beside them.
    for (const p of roster.participants) {
      const record = finalAt !== null && p.role === "client" ? this.#ledger.record(p.participantId) : null;
      if (!record) continue;
      Object.assign(p, {
        attendedMinutes: record.attendedMinutes,
        status: record.status,
        late: record.late,
        leftEarly: record.leftEarly,
        version: record.version,
        correction: record.correction,
      });
    }
    return roster;
  }

  /** Write the final records once; later calls (a second alarm, a close after the alarm) change nothing. */
  finalize(binding: RoomBinding, expected: string[], endedAt: number, now: number): void {
    if (this.#store.getMeta<number>("finalizedAt") !== null) return;
    for (const record of this.#compute(binding, expected, endedAt, now)) this.#save(record);
    this.#store.setMeta("expected", expected);
    this.#store.setMeta("finalizedAt", endedAt);
  }

  /**
   * A late platform fact arrived after the records were written: recompute them from the presence
   * now known and save each one that changed as a new version (the ledger's latest wins). A record a
   * staff member corrected keeps their correction. Returns how many changed.
   */
  amend(binding: RoomBinding, now: number): number {
    const endedAt = this.#store.getMeta<number>("finalizedAt");
    if (endedAt === null) return 0;
    let changed = 0;
    for (const next of this.#compute(binding, this.#store.getMeta<string[]>("expected") ?? [], endedAt, now)) {
      const current = this.#ledger.record(next.clientId);
      if (current?.correction || (current && sameAttendance(current, next))) continue;
      this.#save({ ...next, version: (current?.version ?? 0) + 1 });
      changed++;
    }
    return changed;
  }

  #compute(binding: RoomBinding, expected: string[], endedAt: number, now: number): AttendanceRecord[] {
    const attendees = this.#store
      .participants()
      .filter((p) => p.role === "client" || p.role === "family")
      .map((p) => p.id);
    return finalRecords({
      binding,
      expected,
      attendees,
      events: toPresenceEvents(this.#store.presence()),
      excuses: this.#ledger.excuses(),
      endedAt,
      now,
    });
  }

  /**
   * A staff correction. Before the end only an excuse can be recorded; afterwards the record gets a
   * new version that keeps the original values and who changed them (the caller sends it to KV).
   */
  correct(
    clientId: string,
    change: AttendanceCorrection,
    by: string,
    now: number,
  ): { ok: true; record: AttendanceRecord | null } | { ok: false; reason: string } {
    if (this.#store.getMeta<number>("finalizedAt") === null) {
      if (change.status !== "excused" || change.attendedMinutes !== undefined)
        return { ok: false, reason: "not-ended" };
      this.#ledger.excuse(clientId, change.reasonCode, by, now);
      return { ok: true, record: null };
    }
    const current = this.#ledger.record(clientId);
    if (!current) return { ok: false, reason: "not-found" };
    const next = applyCorrection(current, change, { by, at: now });
    if (!next.ok) return next;
    this.#save(next.record);
    return { ok: true, record: next.record };
  }
}

/** Whether two versions of a record say the same about the client's attendance. */
function sameAttendance(a: AttendanceRecord, b: AttendanceRecord): boolean {
  const view = (r: AttendanceRecord) =>
    JSON.stringify([
      r.status,
      r.attendedMinutes,
      r.late,
      r.leftEarly,
      r.firstArrivalAt,
      r.lastDepartureAt,
      r.intervals,
    ]);
  return view(a) === view(b);
}
