import type { Program } from "../../schemas/program.ts";
import type { Track } from "../../schemas/track.ts";
import { expandTrack, type Occurrence } from "../schedule/expand.ts";
import type { EnrollmentStore } from "./enrollment-store.ts";
import { type Failure, fail } from "./result.ts";
import type { SessionStore } from "./session-store.ts";
import { patternOf } from "./track-fields.ts";
import { HORIZON_MS } from "./track-occurrences.ts";
import type { TrackStore } from "./track-store.ts";

/**
 * How far a new or changed series is checked for double-booking: two years beyond its own start
 * (or today, if later), well past the 16 weeks of an IOP enrollment and the rows' horizon.
 */
const CLASH_SPAN_MS = 730 * 86_400_000;

/** The stores the check reads. */
export interface ClashStores {
  sessions: SessionStore;
  tracks: TrackStore;
  enrollments: EnrollmentStore;
}

/** The clients a series meets with: a group's active enrollments, or the one client of an individual or family series. */
function clientsOf(track: Track, enrollments: EnrollmentStore): string[] {
  return track.kind === "group" ? enrollments.activeInTrack(track.id).map((e) => e.clientId) : track.clientIds;
}

/**
 * The first double-booking a series would cause, as a 409 naming the date and the other session:
 * a facilitator leading two sessions at once, or a client due in two places. Stored sessions
 * (ad-hoc, calendar, moved ones and every series' rows) are checked row by row; other series'
 * occurrences not yet stored (beyond their horizon) are checked from their rules.
 */
export function seriesClash(
  track: Track,
  program: Program,
  s: ClashStores,
  now: number,
  only?: { clients: string[] },
): Failure | null {
  const pattern = patternOf(track);
  if (!pattern || track.status !== "active") return null;
  const from = Math.max(now, Date.parse(`${track.startsOn}T00:00:00Z`) - 86_400_000);
  const span = { from: now, to: from + CLASH_SPAN_MS };
  const own = expandTrack(pattern, program.timezone, span);
  // A new enrollment asks only about its client; a series about everyone it meets with.
  const clients = only?.clients ?? clientsOf(track, s.enrollments);
  const people = { facilitators: only ? [] : track.facilitatorIds, clients };
  const clash = (occ: Occurrence, extras: Record<string, string>): Failure =>
    fail("conflict", `Someone in this series is already booked on ${occ.localDate} at that time.`, {
      extras: { ...extras, localDate: occ.localDate },
    });
  for (const occ of own) {
    const other = s.sessions.peopleClash(people, Date.parse(occ.startsAt), Date.parse(occ.endsAt), track.id);
    if (other) return clash(occ, { sessionId: other });
  }
  // Beyond the stored rows: other active series that share a person, occurrence against occurrence.
  const horizon = now + HORIZON_MS;
  for (const t of s.tracks.all()) {
    if (t.id === track.id || t.status !== "active") continue;
    const shared =
      t.facilitatorIds.some((f) => people.facilitators.includes(f)) ||
      clientsOf(t, s.enrollments).some((c) => clients.includes(c));
    const otherPattern = shared ? patternOf(t) : null;
    if (!otherPattern) continue;
    const theirs = expandTrack(otherPattern, program.timezone, { from: horizon, to: span.to });
    let j = 0;
    for (const occ of own) {
      const start = Date.parse(occ.startsAt);
      const end = Date.parse(occ.endsAt);
      if (end <= horizon) continue;
      while (j < theirs.length && Date.parse((theirs[j] as Occurrence).endsAt) <= start) j++;
      const next = theirs[j];
      if (next && Date.parse(next.startsAt) < end) return clash(occ, { trackId: t.id });
    }
  }
  return null;
}
