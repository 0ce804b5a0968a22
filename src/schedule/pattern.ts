import type { Weekday } from "../../schemas/track.ts";
import { weekdayOf } from "./civil-date.ts";
import { type Exdate, parseExdate } from "./exdate.ts";
import { parseRrule, type RruleUntil } from "./rrule.ts";

/**
 * A track's recurrence reduced to plain data that `expandTrack` and `scheduledWeeklyMinutes`
 * read: the same shape whether the track was given as `days` or as an RRULE.
 */
export interface TrackPattern {
  /** Weekdays the track meets on (never empty). */
  days: readonly Weekday[];
  /** Meets every `interval`-th week, weeks counted from the week of `startsOn`. */
  interval: number;
  /** First day of a week when counting `interval` (RFC 5545 WKST; Monday by default). */
  weekStart: Weekday;
  /** Total occurrences generated from the first one on, skipped and excluded ones included. */
  count?: number;
  /** Last possible start, inclusive. */
  until?: RruleUntil;
  startTime: string;
  endTime: string;
  startsOn: string;
  endsOn?: string;
  /** Local dates with no session (holidays). */
  skipDates: readonly string[];
  exdates: readonly Exdate[];
}

/** The recurrence fields of a track request or of a stored track. */
export interface RecurrenceFields {
  days?: readonly Weekday[];
  rrule?: string;
  startTime: string;
  endTime: string;
  startsOn: string;
  endsOn?: string;
  skipDates?: readonly string[];
  exdates?: readonly string[];
}

/** The pattern, or the field that stops it and why. */
export type PatternResult = { ok: true; pattern: TrackPattern } | { ok: false; field: string; reason: string };

/**
 * Build a pattern. When `rrule` is present it wins over `days` (a stored RRULE track keeps
 * `days` only as a readable copy of BYDAY); an RRULE without BYDAY meets on `startsOn`'s weekday.
 */
export function trackPattern(input: RecurrenceFields): PatternResult {
  const exdates: Exdate[] = [];
  for (const [i, text] of (input.exdates ?? []).entries()) {
    const parsed = parseExdate(text);
    if (!parsed.ok) return { ok: false, field: `exdates.${i}`, reason: parsed.reason };
    exdates.push(...parsed.values);
  }
  const base = {
    startTime: input.startTime,
    endTime: input.endTime,
    startsOn: input.startsOn,
    ...(input.endsOn !== undefined && { endsOn: input.endsOn }),
    skipDates: input.skipDates ?? [],
    exdates,
  };
  if (input.rrule !== undefined) {
    const parsed = parseRrule(input.rrule);
    if (!parsed.ok) return { ok: false, field: "rrule", reason: parsed.reason };
    const { byDay, interval, weekStart, count, until } = parsed.rule;
    return {
      ok: true,
      pattern: {
        ...base,
        days: byDay ?? [weekdayOf(input.startsOn)],
        interval,
        weekStart,
        ...(count !== undefined && { count }),
        ...(until !== undefined && { until }),
      },
    };
  }
  if (!input.days || input.days.length === 0) return { ok: false, field: "days", reason: "give days or rrule" };
  return { ok: true, pattern: { ...base, days: input.days, interval: 1, weekStart: "MO" } };
}
