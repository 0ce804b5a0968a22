import type { Session, SessionCreate, SessionMove, SessionRange } from "../../schemas/session.ts";
import type { RoomBinding } from "../rooms/binding.ts";
import { bindingOf, bookedClients, expectedClients, type Ticket, ticket, type Viewer } from "./access.ts";
import { eligibility } from "./eligibility.ts";
import type { EnrollmentStore } from "./enrollment-store.ts";
import type { PeopleStore } from "./people-store.ts";
import type { ProgramStore } from "./program-store.ts";
import { fail, type Result } from "./result.ts";
import type { SessionStore } from "./session-store.ts";
import { adhocSession, cancelSession, clientView, moveSession } from "./sessions.ts";
import type { TrackStore } from "./track-store.ts";

/** The stores a program's sessions are read and written through. */
export interface SessionBookStores {
  programs: ProgramStore;
  sessions: SessionStore;
  enrollments: EnrollmentStore;
  tracks: TrackStore;
  /** Only to tell a client's page whether check-in asks for a name (never to read one out). */
  people?: PeopleStore;
}

/**
 * A program's session occurrences: ad-hoc creation, listing as each viewer may see them, moves and
 * cancellations (with the facilitator double-booking check), and the tickets and bindings rooms
 * get. Synchronous, so the directory checks and writes in one step.
 */
export class SessionBook {
  readonly #s: SessionBookStores;

  constructor(stores: SessionBookStores) {
    this.#s = stores;
  }

  /** Create an ad-hoc session; a facilitator already leading at that time is a conflict. */
  createSession(id: string, input: SessionCreate, now: string): Result<{ session: Session }> {
    const program = this.#s.programs.get();
    if (!program) return fail("not-found", "No such program.");
    const track = input.trackId ? this.#s.tracks.get(input.trackId) : null;
    const result = adhocSession(input, {
      id,
      programId: program.id,
      now,
      timezone: program.timezone,
      settings: program.settings,
      track,
    });
    if (!result.ok) return result;
    const clash = this.#s.sessions.facilitatorClash(
      result.session.facilitatorIds,
      Date.parse(result.session.startsAt),
      Date.parse(result.session.endsAt),
    );
    if (clash)
      return fail("conflict", "A facilitator already leads a session at that time.", { extras: { sessionId: clash } });
    this.#s.sessions.put(result.session);
    return result;
  }

  /**
   * A page of the sessions overlapping a range: staff see all, a client only their own (and nobody
   * else's ids). `next` continues the listing when the page is full.
   */
  listSessions(range: SessionRange, viewer: Viewer): { sessions: Session[]; next: string | null } {
    const staff = viewer.roles.includes("admin") || viewer.roles.includes("facilitator");
    const page = this.#s.sessions.overlapping(Date.parse(range.from), Date.parse(range.to), {
      ...(range.trackId ? { trackId: range.trackId } : {}),
      ...(staff ? {} : { clientId: viewer.sub }),
      ...(range.cursor ? { after: parseCursor(range.cursor) } : {}),
      limit: range.limit,
    });
    const last = page.at(-1);
    const next = last && page.length === range.limit ? `${Date.parse(last.startsAt)}.${last.id}` : null;
    return { sessions: staff ? page : page.map((s) => clientView(s, viewer.sub)), next };
  }

  /** One session as the viewer may see it; null when absent or not theirs. */
  viewSession(id: string, viewer: Viewer): Session | null {
    const session = this.#s.sessions.get(id);
    const program = this.#s.programs.get();
    if (!session || !program) return null;
    if (viewer.roles.includes("admin") || viewer.roles.includes("facilitator")) return session;
    const ok = eligibility(session, viewer, {
      enrollment: this.#s.enrollments.current(viewer.sub),
      settings: program.settings,
    });
    if (!ok.ok || ok.makeUp) return null;
    // The page asks for a name only where the program lets clients give one and staff have set none.
    const staffNamed = this.#s.people?.get(viewer.sub)?.setBy === "staff";
    return {
      ...clientView(session, viewer.sub),
      checkInAsksName: program.settings.clientsChooseDisplayName && !staffNamed,
      nameShownInCall: program.settings.displayNamesInCall,
    };
  }

  /** Move a session; admins, or a facilitator of record. The room revokes old tokens on its next call. */
  moveSession(id: string, move: SessionMove, viewer: Viewer, now: string): Result<{ binding: RoomBinding }> {
    return this.#change(id, viewer, (s, program) => {
      const moved = moveSession(s, move, {
        now,
        timezone: program.timezone,
        groupCapMax: program.settings.groupCapMax,
      });
      if (!moved.ok) return moved;
      const { startsAt, endsAt } = moved.session;
      const clash = this.#s.sessions.facilitatorClash(
        moved.session.facilitatorIds,
        Date.parse(startsAt),
        Date.parse(endsAt),
        id,
      );
      if (clash)
        return fail("conflict", "A facilitator already leads a session at that time.", {
          extras: { sessionId: clash },
        });
      return moved;
    });
  }

  /** Cancel a session (idempotent). */
  cancelSession(id: string, viewer: Viewer, now: string): Result<{ binding: RoomBinding }> {
    return this.#change(id, viewer, (s) => ({ ok: true, session: cancelSession(s, now) }));
  }

  /** A caller's ticket for a room action (src/directory/access.ts): checked fresh, so a discharge counts at once. */
  ticket(sessionId: string, viewer: Viewer, action: "join" | "manage"): Result<Ticket> {
    return ticket(
      {
        program: this.#s.programs.get(),
        session: (id) => this.#s.sessions.get(id),
        enrollment: (clientId) => this.#s.enrollments.current(clientId),
        activeInTrack: (trackId) => this.#s.enrollments.activeInTrack(trackId),
      },
      sessionId,
      viewer,
      action,
    );
  }

  /** Bindings of the sessions starting in [from, to), for system callers matching a provider's room name. */
  roomBindingsBetween(from: number, to: number): RoomBinding[] {
    const program = this.#s.programs.get();
    return program ? this.#s.sessions.range(from, to, { limit: 500 }).map((s) => bindingOf(program, s)) : [];
  }

  /** A session's binding and the clients it expects (no-shows are counted against them), for rosters and the close. */
  roomLookup(sessionId: string): { binding: RoomBinding; expected: string[] } | null {
    const program = this.#s.programs.get();
    const session = this.#s.sessions.get(sessionId);
    if (!program || !session) return null;
    // A cancelled session keeps the clients it was booked for (the FHIR export's cancelled Encounters).
    const expected =
      session.status === "cancelled"
        ? bookedClients(session, (trackId) => this.#s.enrollments.list({ trackId, limit: 10_000 }))
        : expectedClients(session, (t) => this.#s.enrollments.activeInTrack(t));
    return { binding: bindingOf(program, session), expected };
  }

  /**
   * Minutes a client can still attend in [from, to): their scheduled sessions that end after `from`,
   * each counted whole — a session under way may have had them from its start, and at-risk is a
   * "cannot reach the minimum" judgement, so the bound is the generous one.
   */
  scheduledMinutes(clientId: string, from: number, to: number): number {
    if (to <= from) return 0;
    return this.#s.sessions
      .overlapping(from, to, { clientId, limit: 500 })
      .filter((s) => s.status === "scheduled")
      .reduce((sum, s) => sum + (Date.parse(s.endsAt) - Date.parse(s.startsAt)) / 60_000, 0);
  }

  #change(
    id: string,
    viewer: Viewer,
    change: (s: Session, program: NonNullable<ReturnType<ProgramStore["get"]>>) => Result<{ session: Session }>,
  ): Result<{ binding: RoomBinding }> {
    const program = this.#s.programs.get();
    const session = this.#s.sessions.get(id);
    if (!program || !session) return fail("not-found", "No such session.");
    if (!viewer.roles.includes("admin") && !session.facilitatorIds.includes(viewer.sub)) {
      return fail("forbidden", "Only an admin or this session's facilitator may change it.");
    }
    const result = change(session, program);
    if (!result.ok) return result;
    this.#s.sessions.put(result.session);
    return {
      ok: true,
      binding: {
        programId: program.id,
        timezone: program.timezone,
        session: result.session,
        settings: program.settings,
      },
    };
  }
}

/** A listing cursor is the last session's start and id: `1767225600000.ses_…` (the schema checked its shape). */
function parseCursor(cursor: string): { start: number; id: string } {
  const dot = cursor.indexOf(".");
  return { start: Number(cursor.slice(0, dot)), id: cursor.slice(dot + 1) };
}
