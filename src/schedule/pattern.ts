import type { Weekday } from "../../schemas/track.ts";
import { civilOf, epochDay, GREGORIAN_CYCLE_DAYS, WEEKDAY_CODES, weekdayOf } from "./civil-date.ts";
import { type Exdate, parseExdate } from "./exdate.ts";
import { type Frequency, type NthWeekday, parseRrule, type RecurrenceRule, type RruleUntil } from "./rrule.ts";
import { ruleDays } from "./rule-days.ts";

/**
 * A track's recurrence reduced to plain data that `expandTrack` and `scheduledWeeklyMinutes`
 * read: the same shape whether the track was given as `days` or as an RRULE.
 */
export interface TrackPattern {
  /** How the rule repeats; a `days` track is WEEKLY. */
  freq: Frequency;
  /**
   * Weekdays the track can meet on: BYDAY's weekdays, `startsOn`'s for a WEEKLY rule without
   * BYDAY, all seven for a DAILY rule without it. Never empty for WEEKLY and DAILY; empty for a
   * MONTHLY rule by day of month, which can fall on any weekday (callers only display it).
   */
  days: readonly Weekday[];
  /** MONTHLY only: BYDAY, each an ordinal weekday of the month or every such weekday. */
  byDay?: readonly NthWeekday[];
  /** MONTHLY only: days of the month, negative from its end; `startsOn`'s day when neither BY-part is given. */
  byMonthDay?: readonly number[];
  /** Meets every `interval`-th day, week or month, counted from `startsOn`'s (weeks begin on `weekStart`). */
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
  exdates: readonly PatternExdate[];
}

/** An EXDATE value and the index of the `exdates` entry it came from (an entry may list several). */
export type PatternExdate = Exdate & { entry: number };

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
 * `days` only as a readable copy of BYDAY). A rule that can never meet (BYMONTHDAY=31 every 12
 * months from April, BYDAY=1MO;BYMONTHDAY=20) is refused: a track without sessions is a typo.
 */
export function trackPattern(input: RecurrenceFields): PatternResult {
  const exdates: PatternExdate[] = [];
  for (const [i, text] of (input.exdates ?? []).entries()) {
    const parsed = parseExdate(text);
    if (!parsed.ok) return { ok: false, field: `exdates.${i}`, reason: parsed.reason };
    exdates.push(...parsed.values.map((v) => ({ ...v, entry: i })));
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
    const pattern: TrackPattern = { ...base, ...recurrence(parsed.rule, input.startsOn) };
    const first = epochDay(input.startsOn);
    // Within one Gregorian cycle a rule meets, or it never will.
    if (ruleDays(pattern, first, first + GREGORIAN_CYCLE_DAYS).next().done) {
      return { ok: false, field: "rrule", reason: `the rule never meets on or after startsOn ${input.startsOn}` };
    }
    return { ok: true, pattern };
  }
  if (!input.days || input.days.length === 0) return { ok: false, field: "days", reason: "give days or rrule" };
  return { ok: true, pattern: { ...base, freq: "WEEKLY", days: input.days, interval: 1, weekStart: "MO" } };
}

/** The recurrence half of a pattern, with RFC 5545's defaults taken from `startsOn`. */
function recurrence(rule: RecurrenceRule, startsOn: string) {
  const common = {
    interval: rule.interval,
    weekStart: rule.weekStart,
    ...(rule.count !== undefined && { count: rule.count }),
    ...(rule.until !== undefined && { until: rule.until }),
  };
  switch (rule.freq) {
    case "WEEKLY":
      return { ...common, freq: rule.freq, days: rule.byDay ?? [weekdayOf(startsOn)] };
    case "DAILY":
      return { ...common, freq: rule.freq, days: rule.byDay ?? WEEKDAY_CODES };
    case "MONTHLY": {
      const byMonthDay = rule.byMonthDay ?? (rule.byDay ? undefined : [civilOf(epochDay(startsOn)).day]);
      return {
        ...common,
        freq: rule.freq,
        days: [...new Set(rule.byDay?.map((d) => d.weekday))],
        ...(rule.byDay && { byDay: rule.byDay }),
        ...(byMonthDay && { byMonthDay }),
      };
    }
  }
}
