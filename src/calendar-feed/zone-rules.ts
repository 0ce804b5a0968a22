import { findTransitions, intlOffset, type Transition } from "./zone-offsets.ts";

/**
 * A zone's offsets over a span of whole UTC years, read from `Intl` once and kept: a feed is
 * fetched often, and every feed of a program asks for the same zone and years. Local times in
 * the feed are converted with these same transitions, so they agree with the VTIMEZONE the
 * feed carries. A "wall" is a local date-time counted in ms as if it were UTC.
 */
export class ZoneRules {
  readonly zone: string;
  /** Epoch ms of 1 January of the first year covered, 00:00 UTC. */
  readonly from: number;
  /** Epoch ms of 1 January after the last year covered, 00:00 UTC. */
  readonly to: number;
  /** The offset in effect at `from`, in seconds. */
  readonly initialOffset: number;
  readonly transitions: readonly Transition[];

  static #cache = new Map<string, ZoneRules>();
  // Programs share a handful of zones; the bound only stops a slow leak over a long-lived isolate.
  static #MAX_CACHED = 64;

  /** The rules of `zone` for the UTC years `fromYear` up to, not including, `toYear`. */
  static of(zone: string, fromYear: number, toYear: number): ZoneRules {
    const key = `${zone}|${fromYear}|${toYear}`;
    const cached = ZoneRules.#cache.get(key);
    if (cached) return cached;
    const rules = new ZoneRules(zone, yearStart(fromYear), yearStart(toYear));
    if (ZoneRules.#cache.size >= ZoneRules.#MAX_CACHED) {
      const oldest = ZoneRules.#cache.keys().next().value;
      if (oldest !== undefined) ZoneRules.#cache.delete(oldest);
    }
    ZoneRules.#cache.set(key, rules);
    return rules;
  }

  private constructor(zone: string, from: number, to: number) {
    this.zone = zone;
    this.from = from;
    this.to = to;
    this.initialOffset = intlOffset(zone, from);
    this.transitions = findTransitions(zone, from, to);
  }

  /** The offset at the instant `at`, in seconds; outside the span, that of its nearer end. */
  offsetAt(at: number): number {
    const list = this.transitions;
    let low = 0;
    let high = list.length;
    // The number of transitions at or before `at`.
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((list[mid]?.at ?? Number.POSITIVE_INFINITY) <= at) low = mid + 1;
      else high = mid;
    }
    return low === 0 ? this.initialOffset : (list[low - 1]?.to ?? this.initialOffset);
  }

  /**
   * The wall time at the instant `at`, and whether that wall time also names another instant
   * (the hour repeated when clocks go back). RFC 5545 §3.3.5 reads such a local time as the
   * first of the two, and clients differ, so callers write those instants in UTC.
   */
  wallOf(at: number): { wall: number; ambiguous: boolean } {
    const offset = this.offsetAt(at);
    const wall = at + offset * 1000;
    const ambiguous = this.#neighbourOffsets(at).some((o) => o !== offset && this.offsetAt(wall - o * 1000) === o);
    return { wall, ambiguous };
  }

  /**
   * The instant of a wall time, read as RFC 5545 §3.3.5 does: a repeated wall time is the
   * earlier instant; one skipped by a jump forward takes the offset from before the jump.
   */
  instantOf(wall: number): number {
    const [before, after] = this.#neighbourOffsets(wall);
    const candidates = [before, after].filter((o) => this.offsetAt(wall - o * 1000) === o).map((o) => wall - o * 1000);
    return candidates.length > 0 ? Math.min(...candidates) : wall - before * 1000;
  }

  /** The offsets a day either side: no zone's offset exceeds a day, nor do two changes come within one. */
  #neighbourOffsets(at: number): [number, number] {
    return [this.offsetAt(at - 86_400_000), this.offsetAt(at + 86_400_000)];
  }
}

function yearStart(year: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, 0, 1);
  return d.getTime();
}
