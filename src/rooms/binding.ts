import type { ProgramSettings } from "../../schemas/program.ts";
import type { Session } from "../../schemas/session.ts";

/** What a SessionRoom knows of its occurrence: handed over by the Worker from the program's directory on every call. */
export interface RoomBinding {
  programId: string;
  /** The program's IANA zone: attendance dates and ISO weeks are counted there. */
  timezone: string;
  session: Session;
  settings: ProgramSettings;
}

/** Outcome of a join, plain data across the RPC boundary; the Worker signs the token for `admitted`. */
export type JoinOutcome =
  | { status: "admitted"; participantId: string; jti: string; nbf: number; exp: number; version: number }
  | { status: "waiting"; participantId: string }
  | { status: "full"; cap: number; heldForEnrolled?: true }
  | { status: "too-early"; opensAt: number }
  | { status: "too-late" }
  | { status: "ended" }
  | { status: "cancelled" }
  | { status: "removed" };

/** Who asks to join, as the program's directory resolved them for this session. */
export interface Joiner {
  id: string;
  role: "client" | "facilitator" | "observer" | "family";
  /** A client from another track, here for a make-up session: takes only seats nobody is owed. */
  makeUp: boolean;
  /** For a make-up visitor, the clients the session expects (seats are held for them until the late cut-off). */
  expected: string[];
}

/** Outcome of a facilitator's action on a participant. */
export type ActionOutcome =
  | { ok: true }
  | {
      ok: false;
      reason: "not-found" | "not-waiting" | "not-removed" | "full" | "ended" | "staff-of-record";
      cap?: number;
    };

/** RFC 7662-style answer for a token id. */
export type TokenState = { active: false } | { active: true; participantId: string; exp: number; version: number };
