import type { AuditCall, AuditEvent } from "../../schemas/audit.ts";
import { isoInstant } from "../lib/clock.ts";
import type { AuditStore } from "./audit-store.ts";
import type { AuditTrail } from "./audit-trail.ts";
import type { ProgramStore } from "./program-store.ts";

/** What one change or read says happened: action, object, outcome (when it succeeded), and the session where the object is a participant. */
export type Said = { action: string; object?: string; outcome?: string; session?: string; actor?: string };

/** Who stands behind calls that no person made (the cron, a direct call in a test). */
export const SYSTEM: AuditCall = { actor: "system" };

/**
 * The directory's audit: what a call did, appended in the same synchronous step as the call itself.
 * The Durable Object commits writes made without an await between them together, so a change is
 * never stored without its entry, nor the entry without the change.
 */
export class Recorder {
  readonly #audit: AuditStore;
  readonly #programs: ProgramStore;
  readonly #trail: AuditTrail;

  constructor(audit: AuditStore, programs: ProgramStore, trail: AuditTrail) {
    this.#audit = audit;
    this.#programs = programs;
    this.#trail = trail;
  }

  /** Record `result` as `say` describes it; a refusal with its reason, and only inside a program that exists. */
  call<T>(who: AuditCall, now: string | number, result: T, say: (r: T) => Said | null): T {
    const said = say(result);
    const failed = result === null || (result as { ok?: boolean }).ok === false;
    if (!said || (failed && !this.#programs.get())) return result;
    const reason = failed ? `refused:${(result as { reason?: string } | null)?.reason ?? "not-found"}` : null;
    const { outcome = "ok", object = this.programId(), ...rest } = said;
    const event = { actor: who.actor, ...rest, object, outcome: reason ?? outcome };
    this.append([who.requestId ? { ...event, requestId: who.requestId } : event], now);
    return result;
  }

  /** Append events (a room's, forwarded; a route's record of a read) and checkpoint the new head soon. */
  append(events: readonly (AuditEvent & { at?: string })[], now: string | number): number {
    const seq = this.#audit.append(events, typeof now === "number" ? isoInstant(now) : now);
    this.#trail.checkpointSoon();
    return seq;
  }

  /** Sessions a calendar created, moved or cancelled: one entry each, in the step that changed them, the calendar as actor. */
  synced<T extends { changed: readonly { id: string; effect: string; version: number }[] } | null>(
    who: AuditCall,
    now: number,
    outcome: T,
  ): T {
    const events = (outcome?.changed ?? []).map((c) => ({
      actor: who.actor,
      ...(who.requestId ? { requestId: who.requestId } : {}),
      action: "session.sync",
      object: c.id,
      outcome: `${c.effect}:v${c.version}`,
    }));
    if (events.length > 0) this.append(events, now);
    return outcome;
  }

  /** The program's own id, the object of program-wide entries. */
  programId(): string {
    return this.#programs.get()?.id ?? "";
  }
}
