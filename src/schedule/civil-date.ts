import type { Weekday } from "../../schemas/track.ts";

/**
 * Calendar arithmetic on local dates as whole days since 1970-01-01 (the "epoch day").
 * Pure integer math: stepping a schedule day by day must not depend on any time zone.
 */

/** ISO weekday numbers, Monday 1 … Sunday 7, keyed by RFC 5545 weekday code. */
export const WEEKDAY_NUMBER: Readonly<Record<Weekday, number>> = { MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6, SU: 7 };

/** RFC 5545 weekday codes in ISO order, index 0 is Monday. */
export const WEEKDAY_CODES: readonly Weekday[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

const DAY_MS = 86_400_000;

/** Days in 400 Gregorian years (exactly 20,871 weeks), after which weekdays and month lengths repeat. */
export const GREGORIAN_CYCLE_DAYS = 146_097;

/** Epoch day of a `YYYY-MM-DD` date (proleptic Gregorian). */
export function epochDay(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 onto 1900–1999.
  const t = new Date(0);
  t.setUTCFullYear(y ?? Number.NaN, (m ?? Number.NaN) - 1, d ?? Number.NaN);
  return Math.round(t.getTime() / DAY_MS);
}

/** `YYYY-MM-DD` of an epoch day. */
export function dateOfEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday (Monday 1 … Sunday 7) of an epoch day; 1970-01-01 was a Thursday. */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** RFC 5545 weekday code of a `YYYY-MM-DD` date. */
export function weekdayOf(date: string): Weekday {
  return WEEKDAY_CODES[isoWeekday(epochDay(date)) - 1] ?? "MO";
}

/** Epoch day of a proleptic Gregorian `year`, `month` (1–12) and `day` (Hinnant's days_from_civil). */
export function epochDayOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Year, month (1–12) and day of month of an epoch day. */
export function civilOf(epoch: number): { year: number; month: number; day: number } {
  const z = epoch + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return {
    year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0),
    month,
    day: dayOfYear - Math.floor((153 * mp + 2) / 5) + 1,
  };
}

/** Days in `month` (1–12) of a proleptic Gregorian `year`. */
export function daysInMonth(year: number, month: number): number {
  return month === 12 ? 31 : epochDayOf(year, month + 1, 1) - epochDayOf(year, month, 1);
}

/** Epoch day of the first day of the week holding `day`, for weeks that begin on `weekStart`. */
export function startOfWeek(day: number, weekStart: Weekday): number {
  return day - ((isoWeekday(day) - WEEKDAY_NUMBER[weekStart] + 7) % 7);
}

/** Minutes since local midnight of an `HH:MM` (or `HH:MM:SS`) wall time. */
export function minutesOfDay(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
