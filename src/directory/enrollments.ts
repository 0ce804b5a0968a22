import {
  ENROLLMENT_TRANSITIONS,
  type Enrollment,
  type EnrollmentCreate,
  type EnrollmentPatch,
} from "../../schemas/enrollment.ts";
import { fail, type Result } from "./result.ts";

/** What the rules need to know about the target track. */
export interface TrackFacts {
  id: string;
  /** Only group tracks take enrollments; an individual or family series names its client. */
  kind: "group" | "individual" | "family";
  cap: number;
  status: "active" | "ended";
  activeCount: number;
}

/** A new enrollment, refused when the track is full or the client already holds a place. */
export function enroll(
  input: EnrollmentCreate,
  ctx: { id: string; programId: string; now: string; track: TrackFacts | null; current: Enrollment | null },
): Result<{ enrollment: Enrollment }> {
  if (!ctx.track)
    return fail("invalid-request", "No such track.", { errors: [{ path: "trackId", message: "unknown track" }] });
  if (ctx.track.kind !== "group") return notAGroup();
  if (ctx.track.status === "ended") return fail("conflict", "The track has ended.");
  if (ctx.current)
    return fail("conflict", "The client already holds a place in this program.", {
      extras: { enrollmentId: ctx.current.id },
    });
  if (ctx.track.activeCount >= ctx.track.cap) {
    return fail("group-full", `The track holds its cap of ${ctx.track.cap} active clients.`, {
      extras: { cap: ctx.track.cap },
    });
  }
  return {
    ok: true,
    enrollment: {
      id: ctx.id,
      programId: ctx.programId,
      clientId: input.clientId,
      trackId: input.trackId,
      status: "active",
      startsOn: input.startsOn,
      endsOn: input.endsOn ?? null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    },
  };
}

/**
 * Apply a status change or transfer. Becoming active in a track (step-up or transfer) takes a
 * place there, so the target's cap applies; discharge is final.
 */
export function changeEnrollment(
  current: Enrollment,
  patch: EnrollmentPatch,
  ctx: { now: string; target: TrackFacts | null },
): Result<{ enrollment: Enrollment }> {
  const status = patch.status ?? current.status;
  if (status !== current.status && !ENROLLMENT_TRANSITIONS[current.status].includes(status)) {
    return fail("conflict", `An enrollment cannot go from ${current.status} to ${status}.`);
  }
  if (current.status === "discharged") return fail("conflict", "A discharged enrollment cannot change.");
  const trackId = patch.trackId ?? current.trackId;
  const takesPlace = status === "active" && (current.status !== "active" || trackId !== current.trackId);
  if (takesPlace) {
    if (!ctx.target)
      return fail("invalid-request", "No such track.", { errors: [{ path: "trackId", message: "unknown track" }] });
    if (ctx.target.kind !== "group") return notAGroup();
    if (ctx.target.status === "ended") return fail("conflict", "The track has ended.");
    if (ctx.target.activeCount >= ctx.target.cap) {
      return fail("group-full", `The track holds its cap of ${ctx.target.cap} active clients.`, {
        extras: { cap: ctx.target.cap },
      });
    }
  }
  const endsOn = patch.endsOn === undefined ? current.endsOn : patch.endsOn;
  if (endsOn && endsOn < current.startsOn) {
    return fail("invalid-request", "endsOn is before startsOn.", {
      errors: [{ path: "endsOn", message: "must not be before startsOn" }],
    });
  }
  return { ok: true, enrollment: { ...current, status, trackId, endsOn, updatedAt: ctx.now } };
}

/** Enrolling is for group tracks: an individual or family series already names its one client. */
function notAGroup() {
  return fail("invalid-request", "Only group tracks take enrollments.", {
    errors: [{ path: "trackId", message: "an individual or family series names its client itself" }],
  });
}
