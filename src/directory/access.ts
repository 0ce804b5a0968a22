import type { Enrollment } from "../../schemas/enrollment.ts";
import type { Program } from "../../schemas/program.ts";
import type { RoomBinding, Ticket, Viewer } from "../../schemas/room.ts";
import type { Session } from "../../schemas/session.ts";
import { joinBounds } from "../rooms/admission.ts";
import { eligibility } from "./eligibility.ts";
import { fail, type Result } from "./result.ts";

export type { Ticket, Viewer };

/** What the access rules read from the directory's stores, synchronously. */
export interface AccessFacts {
  program: Program | null;
  session: (id: string) => Session | null;
  enrollment: (clientId: string) => Enrollment | null;
  activeInTrack: (trackId: string) => Enrollment[];
}

/** The binding a room gets for a session: the session with its program's zone and settings. */
export function bindingOf(program: Program, session: Session): RoomBinding {
  return { programId: program.id, timezone: program.timezone, session, settings: program.settings };
}

/** The clients expected at a session: listed ones, or the track's active clients on its date. */
export function expectedClients(session: Session, activeInTrack: (trackId: string) => Enrollment[]): string[] {
  const expected = new Set([...session.clientIds, ...session.familyIds]);
  if (session.kind === "group" && session.trackId) {
    for (const e of activeInTrack(session.trackId)) {
      if (e.startsOn <= session.localDate && (e.endsOn === null || e.endsOn >= session.localDate))
        expected.add(e.clientId);
    }
  }
  return [...expected].sort();
}

/**
 * The clients a session was booked for, as they stood at its start: listed clients, and for a track
 * group the track's enrollments covering its date that were active then. An enrollment is read as
 * active then when it is active now or its last change (a step-down or discharge: discharge is
 * final) came after the session's start. The cancelled sessions of the FHIR export need this: their
 * clients' later discharge must not erase the booking.
 */
export function bookedClients(session: Session, inTrack: (trackId: string) => Enrollment[]): string[] {
  const booked = new Set([...session.clientIds, ...session.familyIds]);
  if (session.kind === "group" && session.trackId) {
    const start = Date.parse(session.startsAt);
    for (const e of inTrack(session.trackId)) {
      const covers = e.startsOn <= session.localDate && (e.endsOn === null || e.endsOn >= session.localDate);
      if (covers && (e.status === "active" || Date.parse(e.updatedAt) > start)) booked.add(e.clientId);
    }
  }
  return [...booked].sort();
}

/**
 * The ticket for a room action, checked fresh on every call so a discharge takes effect at once.
 * `manage` is for admins and the session's facilitators; `join` for its participants.
 */
export function ticket(
  facts: AccessFacts,
  sessionId: string,
  viewer: Viewer,
  action: "join" | "manage",
): Result<Ticket> {
  const { program } = facts;
  const session = facts.session(sessionId);
  if (!program || !session) return fail("not-found", "No such session.");
  const binding = bindingOf(program, session);
  if (action === "manage") {
    const ok = viewer.roles.includes("admin") || session.facilitatorIds.includes(viewer.sub);
    if (!ok) return fail("forbidden", "Only this session's facilitators may do that.");
    return {
      ok: true,
      binding,
      role: "facilitator",
      makeUp: false,
      expected: expectedClients(session, facts.activeInTrack),
    };
  }
  const who = eligibility(session, viewer, { enrollment: facts.enrollment(viewer.sub), settings: program.settings });
  if (!who.ok) return fail("forbidden", "You are not a participant of this session.");
  const expected = who.makeUp ? expectedClients(session, facts.activeInTrack) : [];
  return { ok: true, binding, role: who.role, makeUp: who.makeUp, expected };
}

/**
 * Rooms that may hold a client whose enrollment changed from `before` to `after`: sessions whose
 * join window is open now, of the track they were in (left on a transfer, step-down or discharge)
 * and, on discharge, also the sessions that list them.
 */
export function roomsToDismiss(
  program: Program,
  before: Enrollment,
  after: Enrollment,
  around: Session[],
  now: number,
): RoomBinding[] {
  const leftTrack = before.status === "active" && (after.status !== "active" || after.trackId !== before.trackId);
  const discharged = after.status === "discharged" && before.status !== "discharged";
  if (!leftTrack && !discharged) return [];
  return around
    .filter((s) => s.status === "scheduled")
    .filter((s) => {
      const b = joinBounds(s, program.settings);
      return b.opensAt <= now && now < b.closesAt;
    })
    .filter(
      (s) =>
        (leftTrack && s.kind === "group" && s.trackId === before.trackId) ||
        (discharged && (s.clientIds.includes(before.clientId) || s.familyIds.includes(before.clientId))),
    )
    .map((s) => bindingOf(program, s));
}
