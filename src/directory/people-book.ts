import type { AuditCall } from "../../schemas/audit.ts";
import type { PersonName } from "../../schemas/people.ts";
import type { ProgramSettings } from "../../schemas/program.ts";
import type { Ticket } from "../../schemas/room.ts";
import { says } from "./audit-says.ts";
import type { PeopleStore } from "./people-store.ts";
import type { ProgramStore } from "./program-store.ts";
import type { Recorder } from "./recorder.ts";
import { fail, type Result } from "./result.ts";

/** A name a client gives at check-in, with who and when for the audit entry. */
export interface NameGiven {
  displayName: string;
  now: string;
  who: AuditCall;
}

/** Roles that name themselves at check-in (where the program allows it); staff are named by staff. */
const SELF_NAMING = new Set(["client", "family"]);

/**
 * Who is who: display names set by staff, or chosen by a client at check-in where the program lets
 * them and staff have set none. Which name, if any, goes into the video call is the program's
 * `displayNamesInCall`; nothing here is ever logged or put in a recorded outcome.
 */
export class PeopleBook {
  readonly #people: PeopleStore;
  readonly #programs: ProgramStore;
  readonly #record: Recorder;

  constructor(deps: { people: PeopleStore; programs: ProgramStore; record: Recorder }) {
    this.#people = deps.people;
    this.#programs = deps.programs;
    this.#record = deps.record;
  }

  /**
   * A room ticket, as the caller gets it: a join's names the video credential (`displayName`, null for
   * an alias) after keeping the name the client gave at check-in, recorded in the same step; a refused
   * name refuses the join, so the page can say why.
   */
  ticket(t: Result<Ticket>, subjectId: string, action: "join" | "manage", named?: NameGiven): Result<Ticket> {
    if (!t.ok || action === "manage") return t;
    if (named) {
      const chose = this.choose(subjectId, t, named.displayName, named.now);
      this.#record.call(named.who, named.now, chose, says.nameChosen(subjectId));
      if (!chose.ok) return chose;
    }
    return { ...t, displayName: this.inCall(subjectId, t.binding.settings) };
  }

  /** Staff set (or, with null, clear) a person's name. */
  setByStaff(subjectId: string, name: string | null, now: string): Result<{ person: PersonName | null }> {
    if (!this.#programs.get()) return fail("not-found", "No such program.");
    if (name === null) {
      this.#people.delete(subjectId);
      return { ok: true, person: null };
    }
    return { ok: true, person: this.#people.put(subjectId, name, "staff", now) };
  }

  /**
   * A client's name given at check-in, for the ticket they hold: refused where the program does not
   * ask for one; kept, unchanged, when staff already named them (staff know the chart's name).
   */
  choose(subjectId: string, ticket: Ticket, name: string, now: string): Result<{ changed: boolean }> {
    if (!ticket.binding.settings.clientsChooseDisplayName || !SELF_NAMING.has(ticket.role)) {
      return fail("forbidden", "This program does not ask clients for a name at check-in.", {
        errors: [{ path: "displayName", message: "not asked for here" }],
      });
    }
    const current = this.#people.get(subjectId);
    if (current?.setBy === "staff" || current?.displayName === name) return { ok: true, changed: false };
    this.#people.put(subjectId, name, "client", now);
    return { ok: true, changed: true };
  }

  /** The name the person's video-call credential shows, or null for an alias (the program's setting). */
  inCall(subjectId: string, settings: ProgramSettings): string | null {
    return settings.displayNamesInCall ? (this.#people.get(subjectId)?.displayName ?? null) : null;
  }

  /** Names of those of `ids` who have one (staff views). */
  names(ids: readonly string[]): PersonName[] {
    return this.#people.many(ids);
  }
}
