import { ContentLines } from "./content-lines.ts";
import type { FeedInput } from "./feed-input.ts";
import { utcValue } from "./ics-time.ts";
import { coveredYears } from "./span.ts";
import { byText, type EventContext, orderOccurrences, writeOccurrence, writeSeries } from "./vevent.ts";
import { vtimezoneLines } from "./vtimezone.ts";
import { ZoneRules } from "./zone-rules.ts";

export type { FeedInput, FeedOccurrence, FeedSeries } from "./feed-input.ts";

/**
 * A subscribable iCalendar feed (RFC 5545, with RFC 7986's refresh hints): one VTIMEZONE for the
 * program's zone built from `Intl`, a master VEVENT with RRULE and EXDATEs per series, one VEVENT
 * per override and per stand-alone session. Pure: the same input gives the same bytes, in an
 * order that does not depend on the input's. Throws RangeError for input that cannot be written
 * as valid iCalendar (an unknown zone, a malformed date, an end before its start).
 */

// IANA names; the pattern also keeps the TZID parameter free of characters that need quoting.
const ZONE_NAME = /^[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)*$/;
const PRODID = "-//iop-orchestrator//Calendar feed 1.0//EN";

/** The feed as an iCalendar object, CRLF line endings, lines folded at 75 octets. */
export function renderFeed(input: FeedInput): string {
  if (!ZONE_NAME.test(input.timezone)) throw new RangeError("not an IANA time zone name");
  if (!Number.isFinite(input.now)) throw new RangeError("now must be an instant");
  const { fromYear, toYear } = coveredYears(input);
  const rules = ZoneRules.of(input.timezone, fromYear, toYear);
  const out = new ContentLines(rules);

  out.add("BEGIN", "VCALENDAR");
  out.add("VERSION", "2.0");
  out.add("PRODID", PRODID);
  out.add("CALSCALE", "GREGORIAN");
  out.text("NAME", input.name);
  // No X-WR-TIMEZONE: readers that honour it turn UTC times into that zone's wall time, which
  // loses the one distinction UTC is used for here (which of a repeated hour's two instants).
  out.text("X-WR-CALNAME", input.name);
  // Subscribers poll; sessions move at short notice, so an hour is the slowest useful refresh.
  out.add("REFRESH-INTERVAL", "PT1H", ";VALUE=DURATION");
  out.add("X-PUBLISHED-TTL", "PT1H");
  out.addAll(vtimezoneLines(rules));

  const ctx: EventContext = { out, rules, stamp: utcValue(input.now) };
  for (const series of [...input.series].sort((a, b) => byText(a.id, b.id))) writeSeries(ctx, series);
  for (const occurrence of orderOccurrences(input.occurrences)) writeOccurrence(ctx, occurrence);

  out.add("END", "VCALENDAR");
  return out.toString();
}
