import { Temporal } from "temporal-polyfill";
import { isoWeekOf, localDateOf, localToInstant } from "../src/schedule/zoned.ts";

/**
 * The test calendar. Durable Object alarms run on the real clock, whatever a test's injected
 * clock says, so a room whose session ended before the real now is closed by its alarm at once.
 * Every date an integration test uses therefore comes from here, computed from the real now:
 * the suite is the same on any day. (`scripts/check-test-dates.mjs` refuses fixed dates in tests
 * that reach the Worker or a Durable Object.)
 */

/** The zone of the demo and of most fixtures. */
export const LA = "America/Los_Angeles";

const DAY_MS = 86_400_000;
const realNow = Date.now();

/** `date` (`YYYY-MM-DD`) moved by `days` whole days. */
export function plusDays(date: string, days: number): string {
  return Temporal.PlainDate.from(date).add({ days }).toString();
}

/** The instant (`…Z`, second precision) of a local wall time in `zone`. */
export function zoned(date: string, time: string, zone = LA): string {
  return iso(localToInstant(date, time, zone));
}

/** An ISO instant moved by `minutes`. */
export function plusMinutes(instant: string, minutes: number): string {
  return iso(Date.parse(instant) + minutes * 60_000);
}

/** ISO-8601 UTC with second precision, as the API writes instants. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** The ISO week (`2027-W02`) holding a local date in `zone`. */
export function isoWeek(date: string, zone = LA): string {
  return isoWeekOf(localToInstant(date, "12:00", zone), zone);
}

/** The next UTC-offset change in `zone` after `date`, as the local date it happens on. */
export function nextTransition(date: string, zone = LA): string {
  const from = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: zone });
  const next = from.getTimeZoneTransition("next");
  if (!next) throw new Error(`${zone} has no offset change after ${date}`);
  return next.toPlainDate().toString();
}

/**
 * A Monday at least `weeksAhead` weeks after the real today, in `zone`, chosen so that no
 * offset change falls within `quietWeeks` weeks either side of it: a fixture that lays out a
 * week or two of sessions keeps the same UTC offset throughout. Tests about DST ask for the
 * transition itself with `nextTransition`.
 */
export function futureMonday(opts: { weeksAhead?: number; quietWeeks?: number; zone?: string } = {}): string {
  const { weeksAhead = 2, quietWeeks = 3, zone = LA } = opts;
  const today = Temporal.PlainDate.from(localDateOf(realNow, zone));
  let monday = today.add({ days: 7 * weeksAhead + ((8 - today.dayOfWeek) % 7) });
  for (;;) {
    const quietFrom = monday.subtract({ days: 7 * quietWeeks }).toString();
    const change = nextTransition(quietFrom, zone);
    if (Temporal.PlainDate.compare(change, monday.add({ days: 7 * quietWeeks })) > 0) return monday.toString();
    const after = Temporal.PlainDate.from(change).add({ days: 7 * quietWeeks + 1 });
    monday = after.add({ days: (8 - after.dayOfWeek) % 7 });
  }
}

/** The next ISO year with 53 weeks that lies wholly ahead of the real today, and the Monday of its week 53. */
export function nextWeek53(): { year: number; monday: string } {
  for (let year = new Date(realNow + 7 * DAY_MS).getUTCFullYear() + 1; ; year++) {
    const dec28 = Temporal.PlainDate.from({ year, month: 12, day: 28 });
    if (dec28.weekOfYear === 53) return { year, monday: dec28.subtract({ days: dec28.dayOfWeek - 1 }).toString() };
  }
}
