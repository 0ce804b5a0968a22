import type { CalendarMapping } from "../../schemas/calendar/integration.ts";
import type { ProgramSettings } from "../../schemas/program.ts";
import { MAX_SESSION_MINUTES, type Session } from "../../schemas/session.ts";
import { cancelSession, moveSession } from "../directory/sessions.ts";
import { isoInstant } from "../lib/clock.ts";
import { localDateOf } from "../schedule/zoned.ts";
import type { CalendarRecord } from "./event-merge.ts";

/** What the program says about where an event lands, and the facts a new session inherits. */
export interface OccurrenceContext {
  programId: string;
  timezone: string;
  settings: ProgramSettings;
  /** The mapping for the event's `(source, trackRef)`, or the source's `*` mapping, or none. */
  target: CalendarMapping | null;
  /** The cap of the target's track, when it has one. */
  trackCap: number | null;
  now: number;
  newId: () => string;
}

/** Why an event has no session (it is still remembered, for ordering). */
export type NoSession = "cancelled" | "no-times" | "unmapped" | "past" | "too-long";

/** The session to write for a record, and what happened to it; `moved`, `cancelled` and `people-removed` rebind the room. */
export type OccurrencePlan =
  | { effect: "none"; reason?: NoSession }
  | { effect: "created" | "moved" | "cancelled" | "restored" | "people-removed" | "updated"; session: Session };

/**
 * Decide the session of a calendar record: create it when the record first has times and a
 * mapping (never for an event already over), move it when the times changed, cancel it when the
 * record is a tombstone, and keep its attendees and facilitators in step. Pure: the caller writes.
 */
export function planOccurrence(
  rec: CalendarRecord,
  origin: { source: string; externalId: string },
  clients: readonly string[],
  existing: Session | null,
  ctx: OccurrenceContext,
): OccurrencePlan {
  const now = isoInstant(ctx.now);
  const calendarOrigin = { type: "calendar" as const, ...origin, version: rec.version };
  if (!existing) {
    const why = reasonForNone(rec, ctx);
    if (why) return { effect: "none", reason: why };
    const kind = (rec.kind ?? ctx.target?.kind) as Session["kind"];
    const startsAt = rec.startsAt as string;
    return {
      effect: "created",
      session: {
        id: ctx.newId(),
        programId: ctx.programId,
        // Only a group belongs to a track: its enrolled clients may join it.
        trackId: kind === "group" ? (ctx.target?.trackId ?? null) : null,
        kind,
        status: "scheduled",
        startsAt,
        endsAt: rec.endsAt as string,
        localDate: localDateOf(Date.parse(startsAt), ctx.timezone),
        cap: kind === "group" ? (ctx.trackCap ?? ctx.settings.groupCapDefault) : null,
        facilitatorIds: rec.facilitatorIds ?? ctx.target?.facilitatorIds ?? [],
        clientIds: [...clients],
        familyIds: [],
        observerIds: [],
        origin: calendarOrigin,
        version: 1,
        createdAt: now,
        updatedAt: now,
      },
    };
  }

  if (existing.status === "cancelled") {
    if (rec.cancelled) {
      // Still cancelled; it only follows the record's origin and last times (a merged chain's), as
      // a cancellation delivered in order would have left it. No new version: the room stays closed.
      const kept = atRecordTimes({ ...existing, origin: calendarOrigin }, rec, ctx.timezone);
      const same = kept.startsAt === existing.startsAt && kept.endsAt === existing.endsAt;
      return same && sameOrigin(existing, calendarOrigin)
        ? { effect: "none", reason: "cancelled" }
        : { effect: "updated", session: { ...kept, updatedAt: now } };
    }
    if (reasonForNone(rec, ctx)) return { effect: "none", reason: "cancelled" };
    // A cancellation the sender took back (request-reschedule, Google's bin): the session returns, at
    // the record's times, as a new version (the room reopens; tokens of before stay revoked).
    const restored: Session = {
      ...existing,
      status: "scheduled",
      origin: calendarOrigin,
      version: existing.version + 1,
      updatedAt: now,
    };
    const moved = moveSession(
      { ...restored, status: "scheduled" },
      { startsAt: rec.startsAt as string, endsAt: rec.endsAt as string },
      { now, timezone: ctx.timezone, groupCapMax: ctx.settings.groupCapMax },
    );
    const session = moved.ok ? { ...moved.session, version: restored.version } : restored;
    return { effect: "restored", session: { ...session, clientIds: [...clients] } };
  }
  if (rec.cancelled) {
    // At the record's last times: a cancellation merged from a later member of a chain may arrive
    // before the reschedule that would have moved the session there.
    const cancelled = { ...cancelSession(existing, now), origin: calendarOrigin };
    return { effect: "cancelled", session: atRecordTimes(cancelled, rec, ctx.timezone) };
  }

  let session: Session = { ...existing, origin: calendarOrigin };
  let effect: "moved" | "people-removed" | "updated" | null = null;
  if (rec.startsAt && rec.endsAt && (rec.startsAt !== existing.startsAt || rec.endsAt !== existing.endsAt)) {
    const moved = moveSession(
      session,
      { startsAt: rec.startsAt, endsAt: rec.endsAt },
      {
        now,
        timezone: ctx.timezone,
        groupCapMax: ctx.settings.groupCapMax,
      },
    );
    if (moved.ok) {
      session = moved.session;
      effect = "moved";
    }
  }
  const facilitatorIds = rec.facilitatorIds ?? existing.facilitatorIds;
  if (!sameSet(clients, existing.clientIds) || !sameSet(facilitatorIds, existing.facilitatorIds)) {
    // Someone taken off the session loses access at once: a new version makes the room revoke the
    // outstanding join tokens (the others join again). Adding people needs no new version.
    const dropped =
      existing.clientIds.some((id) => !clients.includes(id)) ||
      existing.facilitatorIds.some((id) => !facilitatorIds.includes(id));
    const version = dropped && effect !== "moved" ? session.version + 1 : session.version;
    session = { ...session, clientIds: [...clients], facilitatorIds: [...facilitatorIds], version, updatedAt: now };
    effect ??= dropped ? "people-removed" : "updated";
  }
  if (effect) return { effect, session };
  // Only the calendar version moved on, or the event it is kept under (a session merged into a chain
  // answers to the chain's root from now on): still written, so the origin records what was applied.
  return sameOrigin(existing, calendarOrigin) ? { effect: "none" } : { effect: "updated", session };
}

/** The session's origin is this calendar event at this version. */
function sameOrigin(session: Session, origin: Session["origin"]): boolean {
  const o = session.origin;
  return (
    o.type === "calendar" &&
    origin.type === "calendar" &&
    o.source === origin.source &&
    o.externalId === origin.externalId &&
    o.version === origin.version
  );
}

/** A cancelled session at the record's times (no move rules apply: nobody can join it). */
function atRecordTimes(session: Session, rec: CalendarRecord, timezone: string): Session {
  if (!rec.startsAt || !rec.endsAt) return session;
  if (rec.startsAt === session.startsAt && rec.endsAt === session.endsAt) return session;
  return {
    ...session,
    startsAt: rec.startsAt,
    endsAt: rec.endsAt,
    localDate: localDateOf(Date.parse(rec.startsAt), timezone),
  };
}

function reasonForNone(rec: CalendarRecord, ctx: OccurrenceContext): NoSession | null {
  if (rec.cancelled) return "cancelled";
  if (!rec.startsAt || !rec.endsAt) return "no-times";
  if (!(rec.kind ?? ctx.target?.kind)) return "unmapped";
  const start = Date.parse(rec.startsAt);
  const end = Date.parse(rec.endsAt);
  if (end <= ctx.now) return "past";
  if ((end - start) / 60_000 > MAX_SESSION_MINUTES) return "too-long";
  return null;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}
