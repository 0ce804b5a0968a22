import { isKnownTimeZone } from "../../schemas/common.ts";
import { parseDateValue } from "./rrule.ts";
import { localDateOf, localToInstant } from "./zoned.ts";

/**
 * EXDATE values as calendar systems send them, and local dates as people type them:
 * `2026-11-26`, `20261126`, `20261126T180000Z`, `EXDATE;TZID=America/New_York:20261126T180000`,
 * `EXDATE;VALUE=DATE:20261126,20261224` (a comma list expands to several values).
 */

/** One excluded date or date-time; `zoned` carries the TZID the sender gave. */
export type Exdate =
  | { type: "date"; date: string }
  | { type: "utc"; instant: number }
  | { type: "floating"; date: string; time: string }
  | { type: "zoned"; date: string; time: string; timeZone: string };

/** The values of one EXDATE entry, or why it is refused. */
export type ExdateResult = { ok: true; values: Exdate[] } | { ok: false; reason: string };

/** Parse one EXDATE entry (a property line, a bare value list, or a `YYYY-MM-DD` local date). */
export function parseExdate(text: string): ExdateResult {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const v = parseDateValue(trimmed.replaceAll("-", ""));
    return v ? { ok: true, values: [v] } : { ok: false, reason: `${trimmed} is not a real calendar date` };
  }
  let params: string[] = [];
  let list = trimmed;
  if (/^EXDATE[;:]/i.test(trimmed)) {
    const colon = trimmed.lastIndexOf(":");
    params = trimmed.slice("EXDATE".length, colon).split(";").filter(Boolean);
    list = trimmed.slice(colon + 1);
  }
  let timeZone: string | undefined;
  let dateOnly = false;
  for (const p of params) {
    const [name = "", raw = ""] = p.split("=", 2);
    const value = raw.replace(/^"(.*)"$/, "$1");
    if (name.toUpperCase() === "TZID") timeZone = value;
    else if (name.toUpperCase() === "VALUE") dateOnly = value.toUpperCase() === "DATE";
  }
  if (timeZone !== undefined && !isKnownTimeZone(timeZone)) return { ok: false, reason: `unknown TZID ${timeZone}` };
  const values: Exdate[] = [];
  for (const item of list.split(",")) {
    const v = parseDateValue(item);
    if (!v)
      return { ok: false, reason: `${item.trim() || "(empty)"} is not YYYYMMDD, YYYYMMDDTHHMMSS[Z] or YYYY-MM-DD` };
    if (dateOnly && v.type !== "date") return { ok: false, reason: `${item.trim()} has a time but VALUE=DATE` };
    if (v.type === "floating" && timeZone !== undefined) values.push({ ...v, type: "zoned", timeZone });
    else values.push(v);
  }
  return { ok: true, values };
}

/**
 * The program-local date an EXDATE removes. A track meets at most once a local day, so an
 * EXDATE excludes that day's occurrence even when its time differs from the track's (calendar
 * systems often send midnight, or the old time after a move). UTC and TZID values are first
 * converted into the program's zone; floating values are read as program-local.
 */
export function exdateLocalDate(ex: Exdate, timeZone: string): string {
  switch (ex.type) {
    case "date":
    case "floating":
      return ex.date;
    case "utc":
      return localDateOf(ex.instant, timeZone);
    case "zoned":
      return localDateOf(localToInstant(ex.date, ex.time, ex.timeZone), timeZone);
  }
}
