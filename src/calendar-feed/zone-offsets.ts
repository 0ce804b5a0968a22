/**
 * A zone's UTC offsets read from the runtime's `Intl` data, the only tz database a Worker has.
 * Offsets are whole seconds east of UTC, so local mean times such as -07:52:58 survive.
 */

/** A change of UTC offset: from `at` (epoch ms) on, local time is UTC + `to` seconds instead of `from`. */
export interface Transition {
  at: number;
  from: number;
  to: number;
}

// An offset period shorter than this could hide between two samples; none has been that short
// for decades. A week keeps a feed's six-year span near 550 `Intl` calls, made once per isolate.
const STEP_MS = 7 * 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The offset of `zone` at the instant `at` (epoch ms), in seconds. Throws RangeError for an unknown zone. */
export function intlOffset(zone: string, at: number): number {
  const second = Math.floor(at / 1000) * 1000;
  // `format` and six digit runs is a few times cheaper than `formatToParts`.
  const digits = formatter(zone).format(second).match(/\d+/g);
  if (digits?.length !== 6) throw new RangeError(`unexpected Intl output for ${zone}`);
  const [month, day, year, hour, minute, sec] = digits.map(Number) as [number, number, number, number, number, number];
  const wall = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years below 100 as they are.
  wall.setUTCFullYear(year, month - 1, day);
  wall.setUTCHours(hour % 24, minute, sec);
  return (wall.getTime() - second) / 1000;
}

/** Every offset change of `zone` in [`from`, `to`) (epoch ms), in order, to the second. */
export function findTransitions(zone: string, from: number, to: number): Transition[] {
  const found: Transition[] = [];
  let lo = from;
  let offset = intlOffset(zone, lo);
  while (lo < to) {
    const hi = Math.min(lo + STEP_MS, to);
    const offsetHi = intlOffset(zone, hi);
    if (offsetHi === offset) {
      lo = hi;
      continue;
    }
    // Two changes inside one step with different results are found one after the other.
    const at = firstChange(zone, lo, hi, offset);
    const after = intlOffset(zone, at);
    if (at < to) found.push({ at, from: offset, to: after });
    lo = at;
    offset = after;
  }
  return found;
}

/**
 * Whether the period starting at `start` and ending at `end` is daylight saving time: its offset
 * is above the zone's offset half a year either side of its middle. Intl says nothing about DST;
 * this reads Lord Howe's +11, Sydney's summer and Dublin's summer as daylight, a zone's permanent
 * change of standard offset as standard.
 */
export function isDaylight(zone: string, offset: number, start: number, end: number): boolean {
  const middle = start + (end - start) / 2;
  const halfYear = 182 * 86_400_000;
  return offset > intlOffset(zone, middle - halfYear) && offset > intlOffset(zone, middle + halfYear);
}

/** The first whole second in (lo, hi] whose offset differs from `offset`, by bisection. */
function firstChange(zone: string, lo: number, hi: number, offset: number): number {
  let low = Math.floor(lo / 1000);
  let high = Math.floor(hi / 1000);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (intlOffset(zone, mid * 1000) === offset) low = mid;
    else high = mid;
  }
  return high * 1000;
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}
