import type { Program } from "../../schemas/program.ts";
import type { Track, TrackCreate, TrackPatch } from "../../schemas/track.ts";
import { unmetExclusion } from "../schedule/exclusions.ts";
import { scheduledWeeklyMinutes } from "../schedule/hours.ts";
import { type TrackPattern, trackPattern } from "../schedule/pattern.ts";
import { fail, type Result } from "./result.ts";

/** What a caller can set on a track; the rest is derived or kept by the directory. */
export type TrackFields = Omit<
  Track,
  "id" | "programId" | "status" | "scheduledWeeklyMinutes" | "createdAt" | "updatedAt"
>;

/** The fields of a new track, with the program's defaults filled in. */
export function fieldsOfCreate(input: TrackCreate, program: Program): TrackFields {
  return {
    name: input.name,
    kind: input.kind,
    clientIds: input.clientIds ?? [],
    familyIds: input.familyIds ?? [],
    days: input.days ?? [],
    ...(input.rrule ? { rrule: input.rrule } : {}),
    startTime: input.startTime,
    endTime: input.endTime,
    startsOn: input.startsOn,
    ...(input.endsOn ? { endsOn: input.endsOn } : {}),
    // An individual or family series holds its one client: the cap never limits it.
    groupCap: input.kind === "group" ? (input.groupCap ?? program.settings.groupCapDefault) : 1,
    facilitatorIds: input.facilitatorIds,
    skipDates: input.skipDates ?? [],
    ...(input.exdates ? { exdates: input.exdates } : {}),
  };
}

/** A patch laid over a stored track: `endsOn: null` clears the end; days and an RRULE replace each other. */
export function fieldsOfPatch(current: Track, patch: TrackPatch): Result<{ fields: TrackFields }> {
  if (patch.familyIds?.length && current.kind !== "family") {
    return fail("invalid-request", "Only family series invite family members.", {
      errors: [{ path: "familyIds", message: "only family series invite family members" }],
    });
  }
  if (patch.groupCap !== undefined && current.kind !== "group") {
    return fail("invalid-request", "Only group series have a cap.", {
      errors: [{ path: "groupCap", message: "only group series have a cap" }],
    });
  }
  const { endsOn, ...rest } = patch;
  const fields: TrackFields = { ...current, ...rest };
  if (endsOn === null) delete fields.endsOn;
  else if (endsOn !== undefined) fields.endsOn = endsOn;
  if (patch.days && !patch.rrule) delete fields.rrule;
  if (patch.rrule) fields.days = [];
  return { ok: true, fields };
}

/**
 * A track from its fields, or the field that stops it: the cap within the program's maximum, a
 * real interval, a rule the schedule core understands, and no skip date or EXDATE the rule never
 * meets (a mistyped holiday would leave the real holiday's session in place).
 */
export function buildTrack(
  id: string,
  program: Program,
  f: TrackFields,
  stamps: { createdAt: string; updatedAt: string },
): Result<{ track: Track; pattern: TrackPattern }> {
  if (f.groupCap > program.settings.groupCapMax) {
    return fail("invalid-request", "The cap exceeds the program's maximum.", {
      errors: [{ path: "groupCap", message: `must not exceed ${program.settings.groupCapMax}` }],
    });
  }
  if (f.endTime <= f.startTime) {
    return fail("invalid-request", "The track ends before it starts.", {
      errors: [{ path: "endTime", message: "must be after startTime on the same day" }],
    });
  }
  if (f.endsOn !== undefined && f.endsOn < f.startsOn) {
    return fail("invalid-request", "The track ends before it starts.", {
      errors: [{ path: "endsOn", message: "must not be before startsOn" }],
    });
  }
  const built = trackPattern({ ...f, days: f.days.length ? f.days : undefined });
  if (!built.ok) {
    return fail("invalid-request", "The schedule is invalid.", {
      errors: [{ path: built.field, message: built.reason }],
    });
  }
  const unmet = unmetExclusion(built.pattern, program.timezone);
  if (unmet) {
    return fail("invalid-request", `The schedule never meets on ${unmet.date}.`, {
      errors: [{ path: unmet.field, message: `${unmet.date} is not a day this schedule meets` }],
    });
  }
  const track: Track = {
    id,
    programId: program.id,
    ...f,
    days: [...built.pattern.days],
    status: "active",
    scheduledWeeklyMinutes: scheduledWeeklyMinutes(built.pattern),
    ...stamps,
  };
  return { ok: true, track, pattern: built.pattern };
}

/** The stored track's pattern (it was checked when stored); null only for a row written by older code that no longer parses. */
export function patternOf(track: Track): TrackPattern | null {
  const built = trackPattern({ ...track, days: track.days.length && !track.rrule ? track.days : undefined });
  return built.ok ? built.pattern : null;
}
