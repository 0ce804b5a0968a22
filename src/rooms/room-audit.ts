import type { AuditCall } from "../../schemas/audit.ts";
import { isoInstant } from "../lib/clock.ts";
import { log } from "../lib/log.ts";
import type { ActionOutcome, Joiner, JoinOutcome, RoomBinding } from "./binding.ts";
import type { RoomStore } from "./room-store.ts";

/** Who stands behind a room's own decisions (automatic admission, a move's revocations). */
export const ROOM_SYSTEM: AuditCall = { actor: "system" };

/** One room decision as the trail says it: the action, the participant it concerns (if any), the outcome. */
export interface RoomSaid {
  action: string;
  participant?: string;
  outcome: string;
}

/** A staff action as `settle` records it: the action, who it concerns, and other entries that follow from it. */
export interface StaffAct {
  action: string;
  participant?: string;
  followedBy?: { by: AuditCall; said: RoomSaid[] };
}

/**
 * How long a join's entries may wait to be forwarded with the joins after it: one call to the
 * program's directory per quarter second carries a rush's entries, instead of one call per join
 * (a Durable Object call is the join's dearest part; the entries are safe in the room meanwhile).
 */
export const JOIN_FORWARD_GAP_MS = 1000;

/** The actions that revoke tokens when they succeed (their entry is followed by a `token.revoke`). */
const REVOKING = new Set(["room.leave", "room.close", "room.remove", "room.dismiss"]);

export interface RoomAuditDeps {
  store: RoomStore;
  programs: Env["PROGRAMS"];
  ctx: DurableObjectState;
  /** Arm the alarm, which retries a forward that failed. */
  retry: () => Promise<void>;
}

/**
 * A room's audit: every decision is queued in the room's own SQLite in the step that makes it, so
 * nothing is lost if the request dies, then forwarded in order to the program's chain. One forward
 * runs at a time and another follows while entries wait, so a room's entries never overtake each
 * other; staff actions wait for theirs to reach the chain before answering.
 */
export class RoomAudit {
  readonly #d: RoomAuditDeps;
  #running: Promise<void> | null = null;
  #queued: Promise<void> | null = null;
  #gathering: Promise<void> | null = null;

  constructor(deps: RoomAuditDeps) {
    this.#d = deps;
  }

  /** Queue entries about this room's session; `participant` entries name the session too. */
  record(binding: RoomBinding, by: AuditCall, said: readonly RoomSaid[], now: number): void {
    const session = binding.session.id;
    this.#d.store.queueAudit(
      said.map(({ action, participant, outcome }) => ({
        actor: by.actor,
        action,
        object: participant ?? session,
        outcome,
        ...(participant ? { session } : {}),
        ...(by.requestId ? { requestId: by.requestId } : {}),
      })),
      isoInstant(now),
    );
  }

  /**
   * Record a staff action's outcome, the tokens it revoked and what followed from it (`followedBy`,
   * another actor's entries), then wait until the program's chain holds them.
   */
  async settle<T extends ActionOutcome>(binding: RoomBinding, by: AuditCall, act: StaffAct, outcome: T, now: number) {
    const { action, participant, followedBy } = act;
    const who = participant ? { participant } : {};
    const said: RoomSaid[] = [{ action, ...who, outcome: outcome.ok ? "ok" : `refused:${outcome.reason}` }];
    if (outcome.ok && REVOKING.has(action)) said.push({ action: "token.revoke", ...who, outcome: action });
    this.record(binding, by, said, now);
    if (followedBy) this.record(binding, followedBy.by, followedBy.said, now);
    await this.forward(binding.programId);
    return outcome;
  }

  /** Queue a join's entries (the attempt, and the token issued) in the step that decided it; forwarded right after. */
  join(binding: RoomBinding, who: Joiner, outcome: JoinOutcome, now: number, requestId?: string): void {
    const by = { actor: who.id, ...(requestId ? { requestId } : {}) };
    const said: RoomSaid[] = [{ action: "room.join", participant: who.id, outcome: outcome.status }];
    if (outcome.status === "admitted") {
      said.push({ action: "token.issue", participant: who.id, outcome: `${who.role}:${outcome.jti}`.slice(0, 64) });
    }
    this.record(binding, by, said, now);
    this.#d.ctx.waitUntil(this.#forwardSoon(binding.programId));
  }

  /** Forward within JOIN_FORWARD_GAP_MS, together with whatever else is queued by then. */
  #forwardSoon(programId: string): Promise<void> {
    this.#gathering ??= new Promise((resolve) => setTimeout(resolve, JOIN_FORWARD_GAP_MS)).then(() => {
      this.#gathering = null;
      return this.forward(programId);
    });
    return this.#gathering;
  }

  /** Forward every queued entry, after any forward already running; a failure leaves them for the alarm. */
  forward(programId: string): Promise<void> {
    if (this.#queued) return this.#queued;
    const next = (this.#running ?? Promise.resolve()).then(async () => {
      this.#queued = null;
      this.#running = next;
      await this.#send(programId);
    });
    const done = next.finally(() => {
      if (this.#running === next) this.#running = null;
    });
    this.#queued = done;
    return done;
  }

  async #send(programId: string): Promise<void> {
    const { store } = this.#d;
    const dir = this.#d.programs.getByName(programId);
    for (let batch = store.pendingAudit(); batch.length > 0; batch = store.pendingAudit()) {
      try {
        await dir.appendAudit(
          batch.map((r) => ({ ...JSON.parse(r.body), at: r.at })),
          batch[0]?.at ?? "",
        );
      } catch (err) {
        log("warn", "audit.forward.retry", { error: (err as Error).name });
        await this.#d.retry();
        return;
      }
      store.auditForwarded(batch.at(-1)?.seq ?? 0);
    }
  }
}
