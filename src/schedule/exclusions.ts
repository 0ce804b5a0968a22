import { epochDay } from "./civil-date.ts";
import { exdateLocalDate } from "./exdate.ts";
import { generatedDays } from "./expand.ts";
import type { TrackPattern } from "./pattern.ts";

/**
 * The first skip date or EXDATE the rule never meets, so that the directory can refuse a
 * mistyped holiday (400 naming the date) instead of storing an exclusion that removes nothing.
 * Never met means no occurrence on that local date: before `startsOn`, after endsOn, UNTIL or
 * the COUNT-th occurrence, or a day the rule does not meet. `field` is the input path:
 * `skipDates.2`, or `exdates.0` for any value of that entry; `date` is the program-local date.
 * Each exclusion costs one local day of expansion (plus, with COUNT, the occurrences before it),
 * so an open-ended rule is never expanded forever.
 */
export function unmetExclusion(pattern: TrackPattern, timeZone: string): { field: string; date: string } | null {
  for (const [i, date] of pattern.skipDates.entries()) {
    if (!meets(pattern, timeZone, date)) return { field: `skipDates.${i}`, date };
  }
  for (const ex of pattern.exdates) {
    const date = exdateLocalDate(ex, timeZone);
    if (!meets(pattern, timeZone, date)) return { field: `exdates.${ex.entry}`, date };
  }
  return null;
}

function meets(pattern: TrackPattern, timeZone: string, date: string): boolean {
  const day = epochDay(date);
  return !generatedDays(pattern, timeZone, day, day).next().done;
}
