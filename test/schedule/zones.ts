/**
 * Time-zone facts for schedule tests, read from `Intl` alone so they referee the code under test
 * (which converts with Temporal) rather than repeat it.
 */

/**
 * Real zones: northern and southern DST, DST at midnight (Santiago, Havana), half-hour DST
 * (Lord Howe), half- and quarter-hour offsets (Kolkata, Adelaide, Kathmandu, Chatham), none.
 */
export const ZONES = [
  "America/Los_Angeles",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Phoenix",
  "America/Anchorage",
  "America/St_Johns",
  "America/Sao_Paulo",
  "America/Santiago",
  "America/Havana",
  "Europe/London",
  "Europe/Berlin",
  "Europe/Moscow",
  "Africa/Cairo",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Asia/Tehran",
  "Asia/Tokyo",
  "Australia/Adelaide",
  "Australia/Sydney",
  "Australia/Lord_Howe",
  "Pacific/Auckland",
  "Pacific/Chatham",
  "UTC",
];

export const DAY = 86_400_000;
const MINUTE = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall date `YYYY-MM-DD` and time `HH:MM:SS` of an instant in a zone. */
export function wallOf(instant: number, timeZone: string): { date: string; time: string } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}:${p.second}` };
}

/** The wall clock at an instant, read as if it were UTC: wall minus instant is the zone's offset. */
function wallMs(instant: number, timeZone: string): number {
  const w = wallOf(instant, timeZone);
  return Date.parse(`${w.date}T${w.time}Z`);
}

/** The zone's UTC offset at an instant, in ms. */
export function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallMs(whole, timeZone) - whole;
}

/**
 * The instant of a local wall time, with RFC 5545's (and Temporal's "compatible") rule: a wall
 * time repeated by a fall-back takes the earlier instant; one skipped by a forward jump is read
 * with the offset before the jump, so it lands later by the gap (02:30 → 03:30).
 */
export function instantOf(date: string, time: string, timeZone: string): number {
  const { wall, before, fits } = readings(date, time, timeZone);
  return fits[0] ?? wall - before;
}

/** True when the wall time happens exactly once that day: neither skipped nor repeated. */
export function happensOnce(date: string, time: string, timeZone: string): boolean {
  return new Set(readings(date, time, timeZone).fits).size === 1;
}

function readings(date: string, time: string, timeZone: string) {
  const wall = Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}Z`);
  // Zones change offset months apart: a day either side gives the offsets in force around it.
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  const fits = [wall - before, wall - after].filter((t) => wallMs(t, timeZone) === wall).sort((a, b) => a - b);
  return { wall, before, fits };
}

/** The instants in [from, to) at which the zone's UTC offset changes, to the minute. */
export function transitions(timeZone: string, from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += DAY) {
    const next = Math.min(t + DAY, to);
    if (offsetAt(t, timeZone) === offsetAt(next, timeZone)) continue;
    let lo = t;
    let hi = next;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (offsetAt(mid, timeZone) === offsetAt(lo, timeZone)) lo = mid;
      else hi = mid;
    }
    out.push(hi);
  }
  return out;
}
