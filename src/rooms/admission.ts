import type { ProgramSettings } from "../../schemas/program.ts";
import type { Session } from "../../schemas/session.ts";

/** Who is joining, as the directory resolved them. Facilitators and observers take no client seat. */
export type JoinRole = "client" | "facilitator" | "observer" | "family";

/** A room's lifecycle. `closed` is final: the session is over. */
export type RoomState = "scheduled" | "open" | "closed" | "cancelled";

/** A participant's place in the room. Only `admitted` clients and family members hold a seat. */
export type ParticipantStatus = "waiting" | "admitted" | "left" | "removed";

const MINUTE = 60_000;

/** When a session can be joined, from the program's settings. */
export function joinBounds(session: Pick<Session, "startsAt" | "endsAt">, settings: ProgramSettings) {
  const start = Date.parse(session.startsAt);
  const end = Date.parse(session.endsAt);
  return {
    opensAt: start - settings.joinWindowMinutes * MINUTE,
    lateAfter: settings.lateJoinMinutes === null ? end : start + settings.lateJoinMinutes * MINUTE,
    endsAt: end,
    closesAt: end + settings.graceMinutes * MINUTE,
  };
}

export type JoinDecision =
  | { kind: "admit"; takesSeat: boolean }
  | { kind: "rejoin" }
  | { kind: "wait" }
  | { kind: "full"; cap: number; heldForEnrolled?: true }
  | { kind: "too-early"; opensAt: number }
  | { kind: "too-late" }
  | { kind: "ended" }
  | { kind: "cancelled" }
  | { kind: "removed" };

/**
 * The whole admission rule as one pure decision, so the Durable Object can check and write in a
 * single synchronous step. Order matters: cancellation and removal beat everything; a client who
 * already holds a seat keeps it (reconnects never take a second one). Under manual admission only
 * a facilitator's admit seats a client: whoever left, or was dropped from the waiting room, waits
 * again. A make-up visitor takes only seats beyond those still owed to the session's own clients.
 */
export function decideJoin(input: {
  now: number;
  role: JoinRole;
  session: Pick<Session, "startsAt" | "endsAt" | "status" | "cap">;
  settings: ProgramSettings;
  roomState: RoomState;
  current: ParticipantStatus | null;
  seated: number;
  /** A client from another track, here for a make-up session. */
  makeUp?: boolean;
  /** Seats still held for expected clients who are not seated (see `owedSeats`). */
  owed?: number;
}): JoinDecision {
  const { now, role, session, settings, roomState, current } = input;
  if (session.status === "cancelled" || roomState === "cancelled") return { kind: "cancelled" };
  if (current === "removed") return { kind: "removed" };
  const bounds = joinBounds(session, settings);
  if (roomState === "closed" || now >= bounds.closesAt) return { kind: "ended" };
  if (now < bounds.opensAt) return { kind: "too-early", opensAt: bounds.opensAt };
  const staff = role === "facilitator" || role === "observer";
  if (staff) return { kind: "admit", takesSeat: false };
  if (current === "admitted") return { kind: "rejoin" };
  // The late-join cut-off is for first arrivals: someone who was here and dropped may come back.
  if (now > bounds.lateAfter && current === null) return { kind: "too-late" };
  if (roomState !== "open" || settings.admissionPolicy === "manual") return { kind: "wait" };
  return input.makeUp ? visitorSeat(session.cap, input.seated, input.owed ?? 0) : seatOrFull(session.cap, input.seated);
}

/** A make-up visitor's seat: free only beyond those still owed to the session's expected clients. */
export function visitorSeat(cap: number | null, seated: number, owed: number): JoinDecision {
  if (cap !== null && seated + owed >= cap) {
    return seated >= cap ? { kind: "full", cap } : { kind: "full", cap, heldForEnrolled: true };
  }
  return { kind: "admit", takesSeat: true };
}

/**
 * Seats held for the session's expected clients until the late-join cut-off: each one not seated
 * now and not removed may still arrive. After the cut-off nobody new may arrive, so none is held.
 */
export function owedSeats(input: {
  now: number;
  lateAfter: number;
  expected: readonly string[];
  status: (id: string) => { status: ParticipantStatus; seat: boolean } | null;
}): number {
  if (input.now > input.lateAfter) return 0;
  let owed = 0;
  for (const id of input.expected) {
    const p = input.status(id);
    if (!p || (!p.seat && p.status !== "removed")) owed++;
  }
  return owed;
}

/** Staff of record (the session's facilitators and observers) cannot be removed from their own session. */
export function isStaffOfRecord(session: Pick<Session, "facilitatorIds" | "observerIds">, id: string): boolean {
  return session.facilitatorIds.includes(id) || session.observerIds.includes(id);
}

/** Admit into a seat when one is free; a session without a cap (individual, family) always has room. */
export function seatOrFull(cap: number | null, seated: number): JoinDecision {
  if (cap !== null && seated >= cap) return { kind: "full", cap };
  return { kind: "admit", takesSeat: true };
}
