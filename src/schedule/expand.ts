import { isoInstant } from "../lib/clock.ts";
import { dateOfEpochDay, epochDay, isoWeekday, minutesOfDay, startOfWeek, WEEKDAY_NUMBER } from "./civil-date.ts";
import { exdateLocalDate } from "./exdate.ts";
import type { TrackPattern } from "./pattern.ts";
import type { RruleUntil } from "./rrule.ts";
import { localDateOf, localToInstant } from "./zoned.ts";

/** One session of a track: its program-local date and its UTC start and end. */
export interface Occurrence {
  localDate: string;
  /** ISO-8601 UTC instant, second precision, e.g. `2026-11-23T17:00:00Z`. */
  startsAt: string;
  endsAt: string;
}

/** Instants in epoch ms; an occurrence belongs to the window when it starts in [from, to). */
export interface Window {
  from: number;
  to: number;
}

/**
 * The occurrences of a track that start in `window`, sorted by start, each at the track's
 * local wall times in `timeZone` through DST changes (see `localToInstant` for skipped and
 * repeated wall times). Deterministic: the same input always gives the same list, and COUNT
 * is counted from the first occurrence, so expanding [a, b) and [b, c) gives exactly what
 * expanding [a, c) gives. Skip dates and EXDATEs remove occurrences but still use up COUNT
 * (RFC 5545 applies EXDATE after the rule).
 */
export function expandTrack(pattern: TrackPattern, timeZone: string, window: Window): Occurrence[] {
  if (!(window.to > window.from)) return [];
  const excluded = new Set(pattern.skipDates);
  for (const ex of pattern.exdates) excluded.add(exdateLocalDate(ex, timeZone));
  const days = new Set(pattern.days.map((d) => WEEKDAY_NUMBER[d]));
  const firstDay = epochDay(pattern.startsOn);
  const anchorWeek = startOfWeek(firstDay, pattern.weekStart);
  // An occurrence dated D starts within D's local day (a skipped wall time moves it forward by
  // an hour or so at most), so one day of margin on each side of the window is enough.
  const windowFirst = epochDay(localDateOf(window.from, timeZone)) - 1;
  let lastDay = epochDay(localDateOf(window.to, timeZone)) + 1;
  if (pattern.endsOn !== undefined) lastDay = Math.min(lastDay, epochDay(pattern.endsOn));
  // Without COUNT nothing before the window matters; with it, every earlier occurrence is counted.
  const from = pattern.count === undefined ? Math.max(firstDay, windowFirst) : firstDay;
  const duration = minutesOfDay(pattern.endTime) - minutesOfDay(pattern.startTime);

  const out: Occurrence[] = [];
  let generated = 0;
  for (let day = from; day <= lastDay; day++) {
    if (!days.has(isoWeekday(day))) continue;
    if (((startOfWeek(day, pattern.weekStart) - anchorWeek) / 7) % pattern.interval !== 0) continue;
    const localDate = dateOfEpochDay(day);
    let start: number | undefined;
    if (pattern.until) {
      start = localToInstant(localDate, pattern.startTime, timeZone);
      if (!notAfterUntil(pattern.until, localDate, pattern.startTime, start)) break;
    }
    generated += 1;
    if (pattern.count !== undefined && generated > pattern.count) break;
    if (day < windowFirst || excluded.has(localDate)) continue;
    start ??= localToInstant(localDate, pattern.startTime, timeZone);
    if (start < window.from || start >= window.to) continue;
    let end = localToInstant(localDate, pattern.endTime, timeZone);
    // Only a start inside a spring-forward gap can resolve past its end (02:30–03:00 becomes
    // 03:30–03:00); keep the wall-clock length then, so no occurrence is empty or reversed.
    if (end <= start) end = start + duration * 60_000;
    out.push({ localDate, startsAt: isoInstant(start), endsAt: isoInstant(end) });
  }
  return out;
}

/**
 * A stable key for one track date: the Durable Object's unique key that makes materializing
 * idempotent (a track meets at most once a local day). Built from opaque ids only.
 */
export function occurrenceKey(trackId: string, localDate: string): string {
  return `${trackId}:${localDate}`;
}

/** RFC 5545: UNTIL is inclusive; a DATE bounds the local date, a floating value the wall time. */
function notAfterUntil(until: RruleUntil, localDate: string, startTime: string, start: number): boolean {
  switch (until.type) {
    case "date":
      return localDate <= until.date;
    case "utc":
      return start <= until.instant;
    case "floating":
      return `${localDate}T${startTime.length === 5 ? `${startTime}:00` : startTime}` <= `${until.date}T${until.time}`;
  }
}
