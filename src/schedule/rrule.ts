import type { Weekday } from "../../schemas/track.ts";
import { WEEKDAY_NUMBER } from "./civil-date.ts";

/**
 * The weekly subset of RFC 5545 RRULE that calendar systems send for a recurring group:
 * FREQ=WEEKLY with INTERVAL, UNTIL or COUNT, BYDAY and WKST. Anything else is refused with a
 * reason a caller can show, rather than half-understood.
 */

/** End of a rule: an inclusive local date, a UTC instant, or a floating local date-time. */
export type RruleUntil =
  | { type: "date"; date: string }
  | { type: "utc"; instant: number }
  | { type: "floating"; date: string; time: string };

/** A parsed weekly rule; `byDay` absent means "the weekday of the track's first date" (RFC 5545). */
export interface WeeklyRule {
  freq: "WEEKLY";
  interval: number;
  byDay?: Weekday[];
  count?: number;
  until?: RruleUntil;
  weekStart: Weekday;
}

/** The parsed rule, or why it is refused. */
export type RruleResult = { ok: true; rule: WeeklyRule } | { ok: false; reason: string };

/** Generous bounds: a track repeating less often than yearly, or more than 1000 times, is a typo. */
const MAX_INTERVAL = 52;
const MAX_COUNT = 1000;

const UNSUPPORTED = new Set([
  "BYSECOND",
  "BYMINUTE",
  "BYHOUR",
  "BYMONTHDAY",
  "BYYEARDAY",
  "BYWEEKNO",
  "BYMONTH",
  "BYSETPOS",
]);

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
    if (UNSUPPORTED.has(name)) return { ok: false, reason: `${name} is not supported for weekly tracks` };
    if (!["FREQ", "INTERVAL", "UNTIL", "COUNT", "BYDAY", "WKST"].includes(name)) {
      return { ok: false, reason: `unknown rule part ${name}` };
    }
  }
  const freq = parts.get("FREQ")?.toUpperCase();
  if (freq === undefined) return { ok: false, reason: "FREQ is required" };
  if (freq !== "WEEKLY") return { ok: false, reason: `FREQ=${freq} is not supported; tracks repeat weekly` };
  if (parts.has("COUNT") && parts.has("UNTIL")) return { ok: false, reason: "COUNT and UNTIL must not both be given" };

  const rule: WeeklyRule = { freq: "WEEKLY", interval: 1, weekStart: "MO" };
  const interval = parts.get("INTERVAL");
  if (interval !== undefined) {
    const n = positiveInt(interval);
    if (n === null || n > MAX_INTERVAL)
      return { ok: false, reason: `INTERVAL must be a whole number 1–${MAX_INTERVAL}` };
    rule.interval = n;
  }
  const count = parts.get("COUNT");
  if (count !== undefined) {
    const n = positiveInt(count);
    if (n === null || n > MAX_COUNT) return { ok: false, reason: `COUNT must be a whole number 1–${MAX_COUNT}` };
    rule.count = n;
  }
  const until = parts.get("UNTIL");
  if (until !== undefined) {
    const parsed = parseDateValue(until);
    if (!parsed) return { ok: false, reason: "UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSSZ" };
    rule.until = parsed;
  }
  const byDay = parts.get("BYDAY");
  if (byDay !== undefined) {
    const days: Weekday[] = [];
    for (const raw of byDay.split(",")) {
      const code = raw.trim().toUpperCase();
      if (/^[+-]?\d+[A-Z]{2}$/.test(code)) {
        return { ok: false, reason: `BYDAY ${code}: ordinal weekdays are for monthly or yearly rules, not weekly` };
      }
      if (!isWeekday(code)) return { ok: false, reason: `BYDAY ${code || "(empty)"} is not a weekday code MO…SU` };
      if (!days.includes(code)) days.push(code);
    }
    rule.byDay = days;
  }
  const wkst = parts.get("WKST")?.toUpperCase();
  if (wkst !== undefined) {
    if (!isWeekday(wkst)) return { ok: false, reason: `WKST ${wkst} is not a weekday code MO…SU` };
    rule.weekStart = wkst;
  }
  return { ok: true, rule };
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
