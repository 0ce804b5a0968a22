export type { Joiner, ProviderFact, RoomBinding } from "../../schemas/room.ts";

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
