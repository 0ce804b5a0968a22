/**
 * ISO-8601 weeks of local calendar dates. A session belongs to the week of its local date in
 * the program's time zone: a Sunday 18:00 session in Los Angeles is already Monday in UTC, yet
 * it counts towards the week that ends that Sunday.
 * Local dates are plain calendar dates: the arithmetic below is zone-free on purpose.
 */
import { IsoWeek } from "../../schemas/attendance.ts";

const DAY_MS = 86_400_000;

function utcMidnight(localDate: string): number {
  return Date.parse(`${localDate}T00:00:00Z`);
}

/** Monday = 0 … Sunday = 6. */
function weekdayIndex(ms: number): number {
  return (new Date(ms).getUTCDay() + 6) % 7;
}

/** The ISO week `YYYY-Www` that holds a local date `YYYY-MM-DD` (the week's year may differ from the date's). */
export function isoWeekOf(localDate: string): string {
  const day = utcMidnight(localDate);
  // The ISO week is the one holding this week's Thursday, and takes that Thursday's year.
  const thursday = day + (3 - weekdayIndex(day)) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return `${String(year).padStart(4, "0")}-W${String(week).padStart(2, "0")}`;
}

/** The seven local dates, Monday to Sunday, of an ISO week; `null` when `week` is not one. */
export function isoWeekDates(week: string): string[] | null {
  if (!IsoWeek.safeParse(week).success) return null;
  const year = Number(week.slice(0, 4));
  const n = Number(week.slice(6));
  // 4 January is always in week 1.
  const jan4 = Date.UTC(year, 0, 4);
  const monday = jan4 - weekdayIndex(jan4) * DAY_MS + (n - 1) * 7 * DAY_MS;
  return Array.from({ length: 7 }, (_, i) => new Date(monday + i * DAY_MS).toISOString().slice(0, 10));
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local date `YYYY-MM-DD` of an instant in an IANA time zone (DST handled by `Intl`). */
export function localDateAt(at: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** Local date and ISO week of an occurrence that starts at `at`, in the program's time zone. */
export function occurrenceCalendar(at: number, timeZone: string): { localDate: string; isoWeek: string } {
  const localDate = localDateAt(at, timeZone);
  return { localDate, isoWeek: isoWeekOf(localDate) };
}
