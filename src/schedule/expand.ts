import { isoInstant } from "../lib/clock.ts";
import { dateOfEpochDay, epochDay, minutesOfDay } from "./civil-date.ts";
import { exdateLocalDate } from "./exdate.ts";
import type { TrackPattern } from "./pattern.ts";
import type { RruleUntil } from "./rrule.ts";
import { ruleDays } from "./rule-days.ts";
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
  // An occurrence dated D starts within D's local day (a skipped wall time moves it forward by
  // an hour or so at most), so one day of margin on each side of the window is enough.
  const first = epochDay(localDateOf(window.from, timeZone)) - 1;
  const last = epochDay(localDateOf(window.to, timeZone)) + 1;
  const duration = minutesOfDay(pattern.endTime) - minutesOfDay(pattern.startTime);

  const out: Occurrence[] = [];
  for (const generated of generatedDays(pattern, timeZone, first, last)) {
    const { localDate } = generated;
    if (excluded.has(localDate)) continue;
    const start = generated.start ?? localToInstant(localDate, pattern.startTime, timeZone);
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
 * What the rule generates on the local days `from` to `last` (epoch days, inclusive): endsOn,
 * UNTIL and COUNT applied, skip dates and EXDATEs not. `start` is the start instant when UNTIL
 * needed it. With COUNT every occurrence from the first on is counted, whatever `from` is.
 */
export function* generatedDays(
  pattern: TrackPattern,
  timeZone: string,
  from: number,
  last: number,
): Generator<{ localDate: string; start?: number }, void, undefined> {
  const end = pattern.endsOn === undefined ? last : Math.min(last, epochDay(pattern.endsOn));
  const counted = pattern.count !== undefined;
  // Without COUNT nothing before `from` matters; with it, every earlier occurrence is counted.
  let generated = 0;
  for (const day of ruleDays(pattern, counted ? epochDay(pattern.startsOn) : from, end)) {
    const localDate = dateOfEpochDay(day);
    let start: number | undefined;
    if (pattern.until) {
      start = localToInstant(localDate, pattern.startTime, timeZone);
      if (!notAfterUntil(pattern.until, localDate, pattern.startTime, start)) return;
    }
    generated += 1;
    if (pattern.count !== undefined && generated > pattern.count) return;
    if (day >= from) yield start === undefined ? { localDate } : { localDate, start };
  }
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
