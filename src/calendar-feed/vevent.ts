import type { ContentLines } from "./content-lines.ts";
import type { FeedOccurrence, FeedSeries } from "./feed-input.ts";
import { localWall } from "./ics-time.ts";
import type { ZoneRules } from "./zone-rules.ts";

/**
 * VEVENTs (RFC 5545 §3.6.1) for a series and its exceptions, and for stand-alone sessions.
 * Everything that reaches the wire unescaped (rules, dates, numbers) is checked here, so a bad
 * value fails loudly with a RangeError instead of writing a broken or injected line.
 */

/** What every event of one feed shares. */
export interface EventContext {
  out: ContentLines;
  rules: ZoneRules;
  /** DTSTAMP, in UTC form. */
  stamp: string;
}

const UID_DOMAIN = "iop-orchestrator";
// FREQ, INTERVAL, COUNT, UNTIL, BYDAY (with ordinals such as -1MO), BYMONTHDAY, WKST…: no ':' or line breaks.
const RRULE_VALUE = /^(?=.*\bFREQ=)[A-Z0-9=;,+-]+$/i;

/** The series' master event (the rule, its EXDATEs) followed by one event per override. */
export function writeSeries(ctx: EventContext, series: FeedSeries): void {
  const { out, rules } = ctx;
  const rrule = series.rrule.replace(/^RRULE:/i, "");
  if (!RRULE_VALUE.test(rrule)) throw new RangeError(`series ${series.id}: not an RRULE value`);
  const minutes = series.durationMinutes;
  if (!Number.isSafeInteger(minutes) || minutes <= 0) throw new RangeError(`series ${series.id}: bad duration`);
  const firstWall = localWall(series.firstDate, series.startTime);
  const overrides = latestOf(series.overrides, (o) => o.ruleDate);
  // An override says what happened on its date; an EXDATE beside it would hide a moved session.
  const overridden = new Set(overrides.map((o) => o.ruleDate));
  const excluded = [...new Set(series.excludedDates)].filter((d) => !overridden.has(d)).sort(byText);

  begin(ctx, series.id);
  out.localWall("DTSTART", firstWall);
  // Instances last as long as the master's exact DTSTART–DTEND (RFC 5545 §3.8.5.3), wall-clock changes or not.
  out.instant("DTEND", rules.instantOf(firstWall) + minutes * 60_000);
  out.add("RRULE", rrule);
  for (const date of excluded) out.localWall("EXDATE", localWall(date, series.startTime));
  end(ctx, { sequence: 0, cancelled: false, summary: series.summary, url: series.url });

  for (const o of overrides) {
    begin(ctx, series.id);
    out.localWall("RECURRENCE-ID", localWall(o.ruleDate, series.startTime));
    times(ctx, o);
    end(ctx, o);
  }
}

/** A session that belongs to no series. */
export function writeOccurrence(ctx: EventContext, occurrence: FeedOccurrence): void {
  begin(ctx, occurrence.id);
  times(ctx, occurrence);
  end(ctx, occurrence);
}

/** Stand-alone sessions in feed order: by start, then id; one per id, the latest version. */
export function orderOccurrences(occurrences: readonly FeedOccurrence[]): FeedOccurrence[] {
  return latestOf(occurrences, (o) => o.id).sort((a, b) => a.start - b.start || byText(a.id, b.id));
}

/** Code-unit order: the same on every runtime and locale, unlike localeCompare. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One item per key, the highest SEQUENCE winning (ties to the smaller id), ordered by key. */
function latestOf<T extends FeedOccurrence>(items: readonly T[], key: (item: T) => string): T[] {
  const sorted = [...items].sort((a, b) => byText(key(a), key(b)) || b.sequence - a.sequence || byText(a.id, b.id));
  return sorted.filter((item, i) => i === 0 || key(sorted[i - 1] as T) !== key(item));
}

function begin({ out, stamp }: EventContext, id: string): void {
  if (id === "") throw new RangeError("an event needs an id");
  out.add("BEGIN", "VEVENT");
  out.text("UID", `${id}@${UID_DOMAIN}`);
  out.add("DTSTAMP", stamp);
}

function times({ out }: EventContext, o: FeedOccurrence): void {
  if (!Number.isFinite(o.start) || !Number.isFinite(o.end) || o.end <= o.start) {
    throw new RangeError(`event ${o.id}: DTEND must come after DTSTART`);
  }
  out.instant("DTSTART", o.start);
  out.instant("DTEND", o.end);
}

function end({ out }: EventContext, o: Pick<FeedOccurrence, "sequence" | "cancelled" | "summary" | "url">): void {
  if (!Number.isSafeInteger(o.sequence) || o.sequence < 0) throw new RangeError("SEQUENCE must be a whole number ≥ 0");
  out.add("SEQUENCE", String(o.sequence));
  out.add("STATUS", o.cancelled ? "CANCELLED" : "CONFIRMED");
  // Hidden from anyone the calendar is shared with: attending at all is protected information.
  out.add("CLASS", "PRIVATE");
  out.text("SUMMARY", o.summary);
  const url = o.url === undefined ? undefined : webUrl(o.url);
  if (url !== undefined) out.add("URL", url);
  out.add("END", "VEVENT");
}

/** The URL in canonical form if it is absolute http(s); the parser also drops tabs and line breaks. */
function webUrl(text: string): string | undefined {
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
}
