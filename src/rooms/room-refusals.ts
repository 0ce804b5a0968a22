import { type Failure, fail, type Result } from "../directory/result.ts";
import { isoInstant } from "../lib/clock.ts";
import type { ActionOutcome, JoinOutcome } from "./binding.ts";

/**
 * A room's refusals, each turned into the one `Failure` shape (src/directory/result.ts) that routes
 * answer as problem+json. Exhaustive: a new refusal in binding.ts does not compile until it is mapped.
 */

/** A room's refusal of a join. */
export function joinRefusal(outcome: Exclude<JoinOutcome, { status: "admitted" | "waiting" }>): Failure {
  switch (outcome.status) {
    case "full":
      return outcome.heldForEnrolled
        ? fail("group-full", "The free seats are held for the group's own clients.", {
            extras: { cap: outcome.cap, reason: "held-for-enrolled" },
          })
        : fail("group-full", "The group is full.", { extras: { cap: outcome.cap } });
    case "too-early":
      return fail("outside-window", "The room is not open for joining yet.", {
        extras: { opensAt: isoInstant(outcome.opensAt) },
      });
    case "too-late":
      return fail("outside-window", "It is too late to join this session.", { extras: { reason: "late" } });
    case "ended":
      return fail("gone", "The session has ended.");
    case "cancelled":
      return fail("gone", "The session was cancelled.");
    case "removed":
      return fail("removed", "You were removed from this session.");
  }
}

/** A room's answer to a staff action. */
export function actionResult(outcome: ActionOutcome): Result<object> {
  if (outcome.ok) return outcome;
  switch (outcome.reason) {
    case "ended":
      return fail("gone", "The session has ended or was cancelled.");
    case "full":
      return fail("group-full", "The group is full.", { extras: { cap: outcome.cap } });
    case "not-waiting":
      return fail("conflict", "That participant is not waiting.");
    case "not-removed":
      return fail("conflict", "That participant was not removed.");
    case "staff-of-record":
      return fail("conflict", "A facilitator or observer of record cannot be removed from their own session.", {
        extras: { reason: "staff-of-record" },
      });
    case "not-found":
      return fail("not-found", "No such participant in this session.");
  }
}

/** A room's refusal of an attendance correction (`reason` other than these is the field's own complaint). */
export function correctionRefusal(reason: string): Failure {
  switch (reason) {
    case "not-found":
      return fail("not-found", "No attendance record for that client.");
    case "not-ended":
      return fail("conflict", "Before the session ends only an excuse can be recorded.");
    default:
      return fail("invalid-request", "The correction is invalid.", {
        errors: [{ path: "attendedMinutes", message: reason }],
      });
  }
}
