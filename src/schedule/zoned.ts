import { Temporal } from "temporal-polyfill";

/**
 * Wall-clock ↔ instant conversions in an IANA time zone. workerd has no native Temporal, so
 * the polyfill carries the rules; its zone data comes from the runtime's `Intl`.
 */

/**
 * Epoch ms of a local `date` (`YYYY-MM-DD`) at wall `time` (`HH:MM` or `HH:MM:SS`) in `timeZone`.
 * Uses Temporal's "compatible" disambiguation (RFC 5545 §3.3.5 behaves the same way): a wall
 * time skipped by a spring-forward jump (02:30 on 2026-03-08 in Los Angeles) moves forward by
 * the gap (03:30 PDT); a repeated fall-back time (01:30 on 2026-11-01) takes the earlier instant.
 */
export function localToInstant(date: string, time: string, timeZone: string): number {
  return Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(timeZone, { disambiguation: "compatible" })
    .epochMilliseconds;
}

/** Local date `YYYY-MM-DD` in `timeZone` at the instant `instantMs`. */
export function localDateOf(instantMs: number, timeZone: string): string {
  return zoned(instantMs, timeZone).toPlainDate().toString();
}

/** Local wall time `HH:MM` in `timeZone` at the instant `instantMs`. */
export function localTimeOf(instantMs: number, timeZone: string): string {
  return zoned(instantMs, timeZone).toPlainTime().toString({ smallestUnit: "minute" });
}

/** ISO 8601 week (`2026-W48`) holding the instant in `timeZone`; week-years follow ISO rules. */
export function isoWeekOf(instantMs: number, timeZone: string): string {
  const date = zoned(instantMs, timeZone).toPlainDate();
  return formatWeek(date.yearOfWeek ?? date.year, date.weekOfYear ?? 1);
}

/** A parsed ISO week, or why the text is not one. */
export type IsoWeekResult =
  | { ok: true; year: number; week: number; monday: string }
  | { ok: false; reason: "malformed-week" | "no-such-week" };

/** Parse `YYYY-Www`; `2027-W53` is refused since 2027 has only 52 ISO weeks. */
export function parseIsoWeek(week: string): IsoWeekResult {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return { ok: false, reason: "malformed-week" };
  const year = Number(m[1]);
  const n = Number(m[2]);
  // 28 December always lies in the last ISO week of its year.
  const weeksInYear = Temporal.PlainDate.from({ year, month: 12, day: 28 }).weekOfYear ?? 52;
  if (year < 1 || n < 1 || n > weeksInYear) return { ok: false, reason: "no-such-week" };
  // 4 January always lies in week 1.
  const jan4 = Temporal.PlainDate.from({ year, month: 1, day: 4 });
  const monday = jan4.subtract({ days: jan4.dayOfWeek - 1 }).add({ weeks: n - 1 });
  return { ok: true, year, week: n, monday: monday.toString() };
}

/**
 * The instants bounding an ISO week in `timeZone`: from Monday's start of day to the next
 * Monday's, so a week holding a DST change lasts 167 or 169 hours. The start of day is the
 * first instant of that date, which is 01:00 where midnight is skipped (America/Santiago).
 * Throws RangeError for text that is not a week; validate with `parseIsoWeek` first.
 */
export function isoWeekBounds(week: string, timeZone: string): { start: number; end: number; dates: string[] } {
  const parsed = parseIsoWeek(week);
  if (!parsed.ok) throw new RangeError(`not an ISO week: ${parsed.reason}`);
  const monday = Temporal.PlainDate.from(parsed.monday);
  const dates = Array.from({ length: 7 }, (_, i) => monday.add({ days: i }).toString());
  return {
    start: monday.toZonedDateTime({ timeZone }).epochMilliseconds,
    end: monday.add({ weeks: 1 }).toZonedDateTime({ timeZone }).epochMilliseconds,
    dates,
  };
}

function zoned(instantMs: number, timeZone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(instantMs).toZonedDateTimeISO(timeZone);
}

function formatWeek(year: number, week: number): string {
  return `${String(year).padStart(4, "0")}-W${String(week).padStart(2, "0")}`;
}
