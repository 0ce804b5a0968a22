import { civilOf, daysInMonth, epochDay, epochDayOf, isoWeekday, startOfWeek, WEEKDAY_NUMBER } from "./civil-date.ts";
import type { TrackPattern } from "./pattern.ts";

/**
 * Which local days a rule's FREQ, INTERVAL and BY-parts select, as epoch days. Each frequency
 * steps by its own period (day, week, month), so the cost is the span walked, not the span's
 * days times a check, and a rule that rarely meets still ends at `last`.
 */

/** The fields that decide which days a rule selects. */
export type RuleShape = Pick<
  TrackPattern,
  "freq" | "days" | "interval" | "weekStart" | "startsOn" | "byDay" | "byMonthDay"
>;

/**
 * Epoch days from `from` to `last` (both inclusive) that the rule selects, ascending, never
 * before `startsOn`. UNTIL, COUNT, endsOn and exclusions are the caller's to apply.
 */
export function* ruleDays(rule: RuleShape, from: number, last: number): Generator<number, void, undefined> {
  const first = epochDay(rule.startsOn);
  const start = Math.max(from, first);
  if (start > last) return;
  switch (rule.freq) {
    case "DAILY":
      yield* daily(rule, first, start, last);
      return;
    case "WEEKLY":
      yield* weekly(rule, first, start, last);
      return;
    case "MONTHLY":
      yield* monthly(rule, first, start, last);
      return;
  }
}

/**
 * Days of month `month` (1–12) of `year` that BYMONTHDAY and BYDAY select, ascending. A
 * BYMONTHDAY the month lacks (31 in April, -30 in February) selects nothing (RFC 5545).
 */
export function monthDays(rule: Pick<RuleShape, "byDay" | "byMonthDay">, year: number, month: number): number[] {
  const length = daysInMonth(year, month);
  let picked: Set<number> | undefined;
  if (rule.byMonthDay?.length) {
    picked = new Set(rule.byMonthDay.map((d) => (d > 0 ? d : length + 1 + d)).filter((d) => d >= 1 && d <= length));
  }
  if (rule.byDay?.length) {
    const firstWeekday = isoWeekday(epochDayOf(year, month, 1));
    const matching = new Set<number>();
    for (const { weekday, ordinal } of rule.byDay) {
      const firstOne = 1 + ((WEEKDAY_NUMBER[weekday] - firstWeekday + 7) % 7);
      const howMany = Math.floor((length - firstOne) / 7) + 1;
      if (ordinal === undefined) {
        for (let d = firstOne; d <= length; d += 7) matching.add(d);
        continue;
      }
      const nth = ordinal > 0 ? ordinal : howMany + 1 + ordinal;
      if (nth >= 1 && nth <= howMany) matching.add(firstOne + (nth - 1) * 7);
    }
    // With BYMONTHDAY, BYDAY only limits (Friday the 13th); alone, it selects.
    const byMonthDay = picked;
    picked = byMonthDay ? new Set([...matching].filter((d) => byMonthDay.has(d))) : matching;
  }
  return [...(picked ?? [])].sort((a, b) => a - b);
}

function* daily(rule: RuleShape, first: number, start: number, last: number) {
  const weekdays = new Set(rule.days.map((d) => WEEKDAY_NUMBER[d]));
  for (
    let day = first + Math.ceil((start - first) / rule.interval) * rule.interval;
    day <= last;
    day += rule.interval
  ) {
    if (weekdays.has(isoWeekday(day))) yield day;
  }
}

function* weekly(rule: RuleShape, first: number, start: number, last: number) {
  const step = 7 * rule.interval;
  const anchor = startOfWeek(first, rule.weekStart);
  const offsets = [...new Set(rule.days.map((d) => (WEEKDAY_NUMBER[d] - WEEKDAY_NUMBER[rule.weekStart] + 7) % 7))];
  offsets.sort((a, b) => a - b);
  // The last meeting week that begins on or before `start`: its days before `start` are passed over.
  for (let week = anchor + Math.floor((start - anchor) / step) * step; week <= last; week += step) {
    for (const offset of offsets) {
      const day = week + offset;
      if (day > last) return;
      if (day >= start) yield day;
    }
  }
}

function* monthly(rule: RuleShape, first: number, start: number, last: number) {
  const index = (day: number) => {
    const c = civilOf(day);
    return c.year * 12 + c.month - 1;
  };
  const firstMonth = index(first);
  // The first meeting month (counted from startsOn's) that does not end before `start`.
  let month = firstMonth + Math.ceil((index(start) - firstMonth) / rule.interval) * rule.interval;
  for (; ; month += rule.interval) {
    const year = Math.floor(month / 12);
    const monthOfYear = month - year * 12 + 1;
    const dayZero = epochDayOf(year, monthOfYear, 1) - 1;
    if (dayZero >= last) return;
    for (const d of monthDays(rule, year, monthOfYear)) {
      if (dayZero + d > last) return;
      if (dayZero + d >= start) yield dayZero + d;
    }
  }
}
