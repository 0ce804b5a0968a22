import type { Weekday } from "../../schemas/track.ts";
import { WEEKDAY_NUMBER } from "./civil-date.ts";

/**
 * The subset of RFC 5545 RRULE that calendar systems send for a recurring group: FREQ=DAILY,
 * WEEKLY or MONTHLY with INTERVAL, UNTIL or COUNT, BYDAY (with ordinals such as 1SA or -1FR in
 * monthly rules), BYMONTHDAY (monthly rules) and WKST. Anything else is refused with a reason a
 * caller can show, rather than half-understood.
 */

/** End of a rule: an inclusive local date, a UTC instant, or a floating local date-time. */
export type RruleUntil =
  | { type: "date"; date: string }
  | { type: "utc"; instant: number }
  | { type: "floating"; date: string; time: string };

/** How often a rule repeats. */
export type Frequency = "DAILY" | "WEEKLY" | "MONTHLY";

/** A monthly BYDAY entry: the `ordinal`-th such weekday of the month (1 first, -1 last), or every one when absent. */
export interface NthWeekday {
  weekday: Weekday;
  ordinal?: number;
}

interface RuleParts {
  interval: number;
  count?: number;
  until?: RruleUntil;
  weekStart: Weekday;
}

/** A weekly rule; `byDay` absent means "the weekday of the track's first date" (RFC 5545). */
export interface WeeklyRule extends RuleParts {
  freq: "WEEKLY";
  byDay?: Weekday[];
}

/** A daily rule; `byDay` keeps only those weekdays (every weekday programs: MO…FR). */
export interface DailyRule extends RuleParts {
  freq: "DAILY";
  byDay?: Weekday[];
}

/**
 * A monthly rule. With both `byDay` and `byMonthDay` a day must match both (RFC 5545: BYDAY then
 * limits); with neither, the rule meets on the day of month of the track's first date.
 */
export interface MonthlyRule extends RuleParts {
  freq: "MONTHLY";
  byDay?: NthWeekday[];
  /** 1–31, or -31…-1 counted from the month's end; months without that day are skipped. */
  byMonthDay?: number[];
}

/** A parsed rule of any supported frequency. */
export type RecurrenceRule = DailyRule | WeeklyRule | MonthlyRule;

/** The parsed rule, or why it is refused. */
export type RruleResult = { ok: true; rule: RecurrenceRule } | { ok: false; reason: string };

/** Generous bounds: a track repeating less often than yearly, or more than 1000 times, is a typo. */
const MAX_INTERVAL: Readonly<Record<Frequency, number>> = { DAILY: 366, WEEKLY: 52, MONTHLY: 12 };
const MAX_COUNT = 1000;
/** A month holds at most five of any weekday. */
const MAX_ORDINAL = 5;

const ONCE_A_DAY = "a track meets once a day, at its startTime";
const NOT_YEARLY = "tracks repeat daily, weekly or monthly";
const REFUSED: Readonly<Record<string, string>> = {
  BYSECOND: ONCE_A_DAY,
  BYMINUTE: ONCE_A_DAY,
  BYHOUR: ONCE_A_DAY,
  BYSETPOS: "use an ordinal BYDAY such as 1SA or -1FR",
  BYYEARDAY: NOT_YEARLY,
  BYWEEKNO: NOT_YEARLY,
  BYMONTH: NOT_YEARLY,
};
const KNOWN = new Set(["FREQ", "INTERVAL", "UNTIL", "COUNT", "BYDAY", "BYMONTHDAY", "WKST"]);
const RFC_FREQUENCIES = new Set(["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]);

/** Parse an RRULE value, with or without a leading `RRULE:`. Part names are case-insensitive. */
export function parseRrule(text: string): RruleResult {
  const body = text.trim().replace(/^RRULE:/i, "");
  if (body === "") return { ok: false, reason: "empty rule" };
  const parts = new Map<string, string>();
  for (const part of body.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) return { ok: false, reason: `"${part}" is not NAME=VALUE` };
    const name = part.slice(0, eq).toUpperCase();
    if (parts.has(name)) return { ok: false, reason: `${name} appears twice` };
    parts.set(name, part.slice(eq + 1));
  }
  for (const name of parts.keys()) {
    const why = REFUSED[name];
    if (why !== undefined) return { ok: false, reason: `${name} is not supported: ${why}` };
    if (!KNOWN.has(name)) return { ok: false, reason: `unknown rule part ${name}` };
  }
  const freq = parts.get("FREQ")?.toUpperCase();
  if (freq === undefined) return { ok: false, reason: "FREQ is required" };
  if (!RFC_FREQUENCIES.has(freq)) return { ok: false, reason: `FREQ=${freq} is not an RFC 5545 frequency` };
  if (freq !== "DAILY" && freq !== "WEEKLY" && freq !== "MONTHLY") {
    return { ok: false, reason: `FREQ=${freq} is not supported; ${NOT_YEARLY}` };
  }
  if (parts.has("COUNT") && parts.has("UNTIL")) return { ok: false, reason: "COUNT and UNTIL must not both be given" };

  const common: RuleParts = { interval: 1, weekStart: "MO" };
  const interval = parts.get("INTERVAL");
  if (interval !== undefined) {
    const n = positiveInt(interval);
    const max = MAX_INTERVAL[freq];
    if (n === null || n > max)
      return { ok: false, reason: `INTERVAL must be a whole number 1–${max} for FREQ=${freq}` };
    common.interval = n;
  }
  const count = parts.get("COUNT");
  if (count !== undefined) {
    const n = positiveInt(count);
    if (n === null || n > MAX_COUNT) return { ok: false, reason: `COUNT must be a whole number 1–${MAX_COUNT}` };
    common.count = n;
  }
  const until = parts.get("UNTIL");
  if (until !== undefined) {
    const parsed = parseDateValue(until);
    if (!parsed) return { ok: false, reason: "UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSSZ" };
    common.until = parsed;
  }
  const wkst = parts.get("WKST")?.toUpperCase();
  if (wkst !== undefined) {
    if (!isWeekday(wkst)) return { ok: false, reason: `WKST ${wkst} is not a weekday code MO…SU` };
    common.weekStart = wkst;
  }
  const byDayText = parts.get("BYDAY");
  const byDay = byDayText === undefined ? undefined : parseByDay(byDayText, freq);
  if (typeof byDay === "string") return { ok: false, reason: byDay };
  const byMonthDayText = parts.get("BYMONTHDAY");
  if (byMonthDayText !== undefined && freq !== "MONTHLY") {
    return { ok: false, reason: `BYMONTHDAY is for monthly rules, not FREQ=${freq}` };
  }
  const byMonthDay = byMonthDayText === undefined ? undefined : parseByMonthDay(byMonthDayText);
  if (typeof byMonthDay === "string") return { ok: false, reason: byMonthDay };

  if (freq === "MONTHLY") {
    return { ok: true, rule: { freq, ...common, ...(byDay && { byDay }), ...(byMonthDay && { byMonthDay }) } };
  }
  const weekdays = byDay?.map((d) => d.weekday);
  return { ok: true, rule: { freq, ...common, ...(weekdays && { byDay: weekdays }) } };
}

/** BYDAY entries, repeats dropped; ordinals only in monthly rules. A string is the refusal. */
function parseByDay(text: string, freq: Frequency): NthWeekday[] | string {
  const days: NthWeekday[] = [];
  for (const raw of text.split(",")) {
    const code = raw.trim().toUpperCase();
    const m = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(code);
    const weekday = m?.[2];
    if (weekday === undefined || !isWeekday(weekday)) return `BYDAY ${code || "(empty)"} is not a weekday code MO…SU`;
    const ordinal = m?.[1] === undefined ? undefined : Number(m[1]);
    if (ordinal !== undefined && freq !== "MONTHLY") {
      return `BYDAY ${code}: ordinal weekdays are for monthly rules, not FREQ=${freq}`;
    }
    if (ordinal !== undefined && (ordinal === 0 || Math.abs(ordinal) > MAX_ORDINAL)) {
      return `BYDAY ${code}: the ordinal must be 1–${MAX_ORDINAL} or -${MAX_ORDINAL}…-1 (a month has at most five of a weekday)`;
    }
    if (!days.some((d) => d.weekday === weekday && d.ordinal === ordinal)) {
      days.push(ordinal === undefined ? { weekday } : { weekday, ordinal });
    }
  }
  return days;
}

/** BYMONTHDAY values, repeats dropped. A string is the refusal. */
function parseByMonthDay(text: string): number[] | string {
  const days: number[] = [];
  for (const raw of text.split(",")) {
    const value = raw.trim();
    const n = /^[+-]?\d{1,2}$/.test(value) ? Number(value) : Number.NaN;
    if (!(n !== 0 && Math.abs(n) <= 31)) return `BYMONTHDAY ${value || "(empty)"} must be 1–31 or -31…-1`;
    if (!days.includes(n)) days.push(n);
  }
  return days;
}

/**
 * An RFC 5545 DATE (`19971224`) or DATE-TIME (`19971224T000000Z`, or floating without `Z`),
 * checked to be a real calendar date and time. Shared with EXDATE parsing.
 */
export function parseDateValue(value: string): RruleUntil | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value.trim().toUpperCase());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, z] = m;
  const date = `${y}-${mo}-${d}`;
  if (!realDate(date)) return null;
  if (h === undefined) return { type: "date", date };
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
  const time = `${h}:${mi}:${s === "60" ? "59" : s}`; // a leap second names the same minute
  if (z === "Z") return { type: "utc", instant: Date.parse(`${date}T${time}Z`) };
  return { type: "floating", date, time };
}

function isWeekday(code: string): code is Weekday {
  return Object.hasOwn(WEEKDAY_NUMBER, code);
}

function positiveInt(text: string): number | null {
  if (!/^\d{1,6}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 ? n : null;
}

function realDate(date: string): boolean {
  const t = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === date;
}
