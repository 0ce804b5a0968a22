/**
 * What a calendar feed shows: plain data the route gathers, which the renderer turns into
 * iCalendar. Words in it reach a person's phone, shared calendars and lock screens, so they stay
 * neutral (42 CFR Part 2: even attending a group is protected).
 */

/** One session as the feed shows it. */
export interface FeedOccurrence {
  /** Stable, opaque (e.g. the session id). */
  id: string;
  /** Epoch ms, UTC. */
  start: number;
  end: number;
  /** Bumped on every move (the session's version − 1). */
  sequence: number;
  cancelled: boolean;
  /** Neutral words only, e.g. "Group session" — never program, track or treatment words (42 CFR Part 2). */
  summary: string;
  /** The join link for this occurrence, if any; only an absolute http(s) URL is written. */
  url?: string;
}

/** A recurring series (a track), written as one rule with its exceptions. */
export interface FeedSeries {
  /** Stable, opaque (e.g. the track id). */
  id: string;
  /** RFC 5545 RRULE value without the "RRULE:" prefix, as valid with DTSTART below (WEEKLY/DAILY/MONTHLY). */
  rrule: string;
  /** The rule's first local start (DTSTART;TZID) and its duration in minutes. */
  firstDate: string;
  startTime: string;
  durationMinutes: number;
  summary: string;
  url?: string;
  /** Local dates the rule meets that have no session; a date that also has an override is left to the override. */
  excludedDates: string[];
  /** Occurrences of this series that differ from the rule: moved or cancelled. `ruleDate` is the local date the rule put it on. */
  overrides: (FeedOccurrence & { ruleDate: string })[];
}

/** Everything one feed holds. */
export interface FeedInput {
  /** Neutral calendar name, e.g. "Sessions". */
  name: string;
  /** IANA zone of the program; every DTSTART/DTEND uses TZID with a matching VTIMEZONE. */
  timezone: string;
  /** Epoch ms: DTSTAMP, and the start of the range the VTIMEZONE must cover. */
  now: number;
  series: FeedSeries[];
  /** Stand-alone occurrences (not part of a series), e.g. ad-hoc or individual sessions. */
  occurrences: FeedOccurrence[];
}
