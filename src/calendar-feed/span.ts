import type { FeedInput } from "./feed-input.ts";
import { localWall } from "./ics-time.ts";

/**
 * The UTC years a feed's VTIMEZONE covers: from the year before its earliest time (or `now`) to
 * four whole years past its latest time (or `now`). A year of margin before keeps the change in
 * effect at the first event inside the span; four years after is as far ahead as zone rules are
 * reliably known, and an open-ended series is re-published every hour, so its window moves on.
 * Whole years keep the VTIMEZONE, and the cache behind it, the same for a year at a time.
 */
export const YEARS_BEFORE = 1;
export const YEARS_AFTER = 4;

const DAY_MS = 86_400_000;
// UNTIL's date is enough to place a year.
const UNTIL = /(?:^|;)UNTIL=(\d{4})(\d{2})(\d{2})/i;

/** The span as `fromYear` up to, not including, `toYear`. */
export function coveredYears(input: FeedInput): { fromYear: number; toYear: number } {
  let min = input.now;
  let max = input.now;
  const see = (t: number) => {
    if (t < min) min = t;
    if (t > max) max = t;
  };
  for (const o of input.occurrences) {
    see(o.start);
    see(o.end);
  }
  for (const s of input.series) {
    // A wall time is within a day of its instant: the day of margin below covers the offset.
    see(localWall(s.firstDate, s.startTime));
    for (const date of s.excludedDates) see(localWall(date, s.startTime));
    for (const o of s.overrides) {
      see(o.start);
      see(o.end);
      see(localWall(o.ruleDate, s.startTime));
    }
    const until = UNTIL.exec(s.rrule);
    if (until) see(localWall(`${until[1]}-${until[2]}-${until[3]}`, "00:00"));
  }
  return {
    fromYear: new Date(min - DAY_MS).getUTCFullYear() - YEARS_BEFORE,
    toYear: new Date(max + DAY_MS).getUTCFullYear() + YEARS_AFTER + 1,
  };
}
