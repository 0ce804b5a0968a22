import type { ProgramSettings } from "../../schemas/program.ts";
import type { Session, SessionCreate, SessionMove } from "../../schemas/session.ts";
import { localDateOf } from "../schedule/zoned.ts";
import { fail, type Result } from "./result.ts";

/** Facts about a track that an ad-hoc or materialised session inherits. */
export interface TrackDefaults {
  id: string;
  groupCap: number;
  facilitatorIds: string[];
}

/** Build an ad-hoc session (group, individual or family) after its rules are checked. */
export function adhocSession(
  input: SessionCreate,
  ctx: {
    id: string;
    programId: string;
    now: string;
    timezone: string;
    settings: ProgramSettings;
    track: TrackDefaults | null;
  },
): Result<{ session: Session }> {
  if (input.trackId && !ctx.track) {
    return fail("invalid-request", "No such track.", { errors: [{ path: "trackId", message: "unknown track" }] });
  }
  if (input.kind !== "group" && input.cap !== undefined) {
    return fail("invalid-request", "Only group sessions have a cap.", {
      errors: [{ path: "cap", message: `an ${input.kind} session is for its listed people; it has no cap` }],
    });
  }
  let cap: number | null = null;
  if (input.kind === "group") {
    cap = input.cap ?? ctx.track?.groupCap ?? ctx.settings.groupCapDefault;
    if (cap > ctx.settings.groupCapMax) {
      return fail("invalid-request", "The cap exceeds the program's maximum.", {
        errors: [{ path: "cap", message: `must not exceed ${ctx.settings.groupCapMax}` }],
      });
    }
    if ((input.clientIds?.length ?? 0) > cap) {
      return fail("invalid-request", "More clients listed than the cap allows.", {
        errors: [{ path: "clientIds", message: `at most ${cap} clients` }],
      });
    }
  }
  const facilitatorIds = input.facilitatorIds.length ? input.facilitatorIds : (ctx.track?.facilitatorIds ?? []);
  return {
    ok: true,
    session: {
      id: ctx.id,
      programId: ctx.programId,
      trackId: input.trackId ?? null,
      kind: input.kind,
      status: "scheduled",
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      localDate: localDateOf(Date.parse(input.startsAt), ctx.timezone),
      cap,
      facilitatorIds,
      clientIds: input.clientIds ?? [],
      familyIds: input.familyIds ?? [],
      observerIds: input.observerIds ?? [],
      origin: { type: "adhoc" },
      version: 1,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    },
  };
}

/**
 * Move a session and/or change its cap; a cancelled one cannot change. A move raises the version so
 * rooms revoke outstanding tokens; a cap change alone does not (nobody is evicted).
 */
export function moveSession(
  session: Session,
  move: SessionMove,
  ctx: { now: string; timezone: string; groupCapMax: number },
): Result<{ session: Session }> {
  if (session.status === "cancelled") return fail("gone", "The session was cancelled.");
  if (move.cap !== undefined && (session.kind !== "group" || move.cap > ctx.groupCapMax)) {
    return fail("invalid-request", "That cap is not allowed.", {
      errors: [
        {
          path: "cap",
          message: session.kind !== "group" ? "only group sessions have a cap" : `must not exceed ${ctx.groupCapMax}`,
        },
      ],
    });
  }
  const moved = move.startsAt !== undefined && move.endsAt !== undefined;
  const startsAt = move.startsAt ?? session.startsAt;
  return {
    ok: true,
    session: {
      ...session,
      startsAt,
      endsAt: move.endsAt ?? session.endsAt,
      localDate: localDateOf(Date.parse(startsAt), ctx.timezone),
      cap: move.cap ?? session.cap,
      // A track's occurrence moved by hand stays where staff put it when the track changes later.
      origin: moved && session.origin.type === "track" ? { ...session.origin, detached: true } : session.origin,
      version: moved ? session.version + 1 : session.version,
      updatedAt: ctx.now,
    },
  };
}

/** Cancel a session; cancelling twice changes nothing the second time. */
export function cancelSession(session: Session, now: string): Session {
  if (session.status === "cancelled") return session;
  return { ...session, status: "cancelled", version: session.version + 1, updatedAt: now };
}

/** What a client may see of a session: no other participant's id (42 CFR Part 2: attendance itself is protected). */
export function clientView(session: Session, clientId: string): Session {
  return {
    ...session,
    clientIds: session.clientIds.filter((c) => c === clientId),
    familyIds: [],
    observerIds: [],
  };
}
