/** The one source of time. Injected everywhere so tests can move it. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock fixed at `start` that tests move by hand. */
export function manualClock(
  start: number | string,
): Clock & { set(t: number | string): void; advance(ms: number): void } {
  let t = typeof start === "string" ? Date.parse(start) : start;
  return {
    now: () => t,
    set: (v) => {
      t = typeof v === "string" ? Date.parse(v) : v;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** ISO-8601 UTC instant with second precision, the wire format of every timestamp. */
export function isoInstant(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
