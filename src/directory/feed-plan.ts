import type { FeedSubject } from "../../schemas/calendar-feed.ts";
import type { Program } from "../../schemas/program.ts";
import type { Session, SessionKind } from "../../schemas/session.ts";
import type { Track } from "../../schemas/track.ts";
import type { FeedInput, FeedOccurrence, FeedSeries } from "../calendar-feed/feed-input.ts";
import { exdateLocalDate } from "../schedule/exdate.ts";
import { expandTrack } from "../schedule/expand.ts";
import { localToInstant } from "../schedule/zoned.ts";
import { patternOf } from "./track-fields.ts";

/** Neutral words only: a feed sits on a phone's lock screen, and 42 CFR Part 2 protects even the fact of attending. */
const SUMMARY: Record<SessionKind, string> = {
  group: "Group session",
  individual: "Individual session",
  family: "Family session",
};

/** What a feed lists: the series it shows as rules, and every session it covers. */
export interface FeedFacts {
  program: Program;
  subject: FeedSubject;
  /** Series the subject takes part in whole (a track's own feed, a facilitator's tracks, a client's own series). */
  series: Track[];
  sessions: Session[];
  /** The Worker's origin, for join links. */
  origin: string;
  now: number;
}

/**
 * The feed's calendar: each whole series as one recurring event (RRULE, EXDATE for its skipped
 * dates, an override per moved or cancelled occurrence), every other session as its own event.
 */
export function feedInput(f: FeedFacts): FeedInput {
  const link = (sessionId?: string) =>
    f.subject.type === "facilitator" ? `${f.origin}/console` : `${f.origin}/join${sessionId ? `/${sessionId}` : ""}`;
  const occurrence = (s: Session): FeedOccurrence => ({
    id: s.id,
    start: Date.parse(s.startsAt),
    end: Date.parse(s.endsAt),
    sequence: s.version - 1,
    cancelled: s.status === "cancelled",
    summary: SUMMARY[s.kind],
    url: link(s.id),
  });
  const series: FeedSeries[] = [];
  const inSeries = new Set<string>();
  for (const track of f.series) {
    const built = seriesOf(track, f.program);
    if (!built) continue;
    const pattern = patternOf(track);
    const overrides: FeedSeries["overrides"] = [];
    for (const s of f.sessions) {
      if (s.trackId !== track.id || s.origin.type !== "track" || !pattern) continue;
      const ruleDate = s.origin.occurrenceKey.slice(track.id.length + 1);
      const ruleStart = localToInstant(ruleDate, track.startTime, f.program.timezone);
      // Only an instance of the rule as it stands can be overridden; past an ended track's end the rule just stops.
      const instance =
        (built.until === null || ruleStart <= built.until) &&
        expandTrack(pattern, f.program.timezone, { from: ruleStart, to: ruleStart + 1 }).length === 1;
      if (!instance) {
        if (s.status === "scheduled") continue; // listed on its own below
        inSeries.add(s.id);
        continue;
      }
      inSeries.add(s.id);
      const asRuled = Date.parse(s.startsAt) === ruleStart && s.status === "scheduled" && s.version === 1;
      if (!asRuled) overrides.push({ ...occurrence(s), ruleDate });
    }
    const { until: _until, ...rule } = built;
    series.push({ ...rule, summary: SUMMARY[track.kind], url: link(), overrides });
  }
  return {
    name: "Sessions",
    timezone: f.program.timezone,
    now: f.now,
    series,
    occurrences: f.sessions.filter((s) => !inSeries.has(s.id)).map(occurrence),
  };
}

/** A track as a recurring event; null when its rule meets no day at all. */
function seriesOf(
  track: Track,
  program: Program,
): (Omit<FeedSeries, "summary" | "url" | "overrides"> & { until: number | null }) | null {
  const pattern = patternOf(track);
  if (!pattern) return null;
  const zone = program.timezone;
  // DTSTART must be the rule's first occurrence (RFC 5545 counts DTSTART itself as one).
  const from = localToInstant(track.startsOn, "00:00", zone);
  const [first] = expandTrack({ ...pattern, skipDates: [], exdates: [] }, zone, { from, to: from + 400 * 86_400_000 });
  if (!first) return null;
  let rrule = (track.rrule ?? `FREQ=WEEKLY;BYDAY=${track.days.join(",")}`).replace(/^RRULE:/i, "");
  const bounded = /(^|;)(UNTIL|COUNT)=/i.test(rrule);
  // With DTSTART in a zone, UNTIL is a UTC date-time (RFC 5545 §3.3.10). An ended track stops when it ended.
  const end =
    track.status === "ended"
      ? Math.min(
          Date.parse(track.updatedAt),
          track.endsOn ? localToInstant(track.endsOn, "23:59", zone) : Number.MAX_SAFE_INTEGER,
        )
      : track.endsOn
        ? localToInstant(track.endsOn, "23:59", zone)
        : null;
  if (end !== null && !bounded) rrule += `;UNTIL=${utcStamp(end)}`;
  const minutes = (h: string) => Number(h.slice(0, 2)) * 60 + Number(h.slice(3, 5));
  return {
    id: track.id,
    rrule,
    firstDate: first.localDate,
    startTime: track.startTime,
    durationMinutes: minutes(track.endTime) - minutes(track.startTime),
    excludedDates: [...new Set([...pattern.skipDates, ...pattern.exdates.map((e) => exdateLocalDate(e, zone))])].sort(),
    until: end,
  };
}

/** `20270314T170000Z`. */
function utcStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}
