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
  | { status: "full"; cap: number }
  | { status: "too-early"; opensAt: number }
  | { status: "too-late" }
  | { status: "ended" }
  | { status: "cancelled" }
  | { status: "removed" };

/** Outcome of a facilitator's action on a participant. */
export type ActionOutcome =
  | { ok: true }
  | { ok: false; reason: "not-found" | "not-waiting" | "full" | "ended"; cap?: number };

/** RFC 7662-style answer for a token id. */
export type TokenState = { active: false } | { active: true; participantId: string; exp: number; version: number };
