import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import type { Weekday } from "../../schemas/track.ts";
import { expandTrack, type Occurrence } from "../../src/schedule/expand.ts";
import { type TrackPattern, trackPattern } from "../../src/schedule/pattern.ts";
import { ZONES } from "./zones.ts";

const WEEKDAYS: Weekday[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const DAY = 86_400_000;
const FIRST_DAY = Date.UTC(2024, 0, 1) / DAY;
const LAST_DAY = Date.UTC(2030, 11, 31) / DAY;

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;

// Start minutes biased toward the hours where zones change their clocks.
const startMinute = fc.oneof(
  fc.constantFrom(0, 30, 60, 90, 120, 150, 170, 1410),
  fc.integer({ min: 0, max: 23 * 60 + 58 }),
);

const arbTrack = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    days: fc.subarray(WEEKDAYS, { minLength: 1 }),
    start: startMinute,
    length: fc.integer({ min: 1, max: 6 * 60 }),
    startsOn: fc.integer({ min: FIRST_DAY, max: LAST_DAY }),
    endsAfter: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
    interval: fc.constantFrom(1, 1, 2, 3),
    weekStart: fc.constantFrom(...WEEKDAYS),
    count: fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
    skipPicks: fc.array(fc.nat(), { maxLength: 12 }),
  })
  .map((t) => {
    const endMinute = Math.min(t.start + t.length, 23 * 60 + 59);
    const asRule = t.interval > 1 || t.count !== undefined || t.weekStart !== "MO";
    const rrule = `FREQ=WEEKLY;INTERVAL=${t.interval};WKST=${t.weekStart};BYDAY=${t.days.join(",")}${t.count ? `;COUNT=${t.count}` : ""}`;
    return {
      ...t,
      startTime: hhmm(t.start),
      endTime: hhmm(endMinute),
      input: {
        ...(asRule ? { rrule } : { days: t.days }),
        startTime: hhmm(t.start),
        endTime: hhmm(endMinute),
        startsOn: dateOf(t.startsOn),
        ...(t.endsAfter !== undefined && { endsOn: dateOf(t.startsOn + t.endsAfter) }),
      },
    };
  })
  .filter((t) => t.startTime < t.endTime);

function build(input: Parameters<typeof trackPattern>[0]): TrackPattern {
  const built = trackPattern(input);
  if (!built.ok) throw new Error(built.reason);
  return built.pattern;
}

/** Everything from a few days before the start to ~1.5 years after, enough to hold any COUNT here. */
function wide(startsOn: number) {
  return { from: (startsOn - 3) * DAY, to: (startsOn + 560) * DAY };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Wall date and time of an instant in a zone, by Intl: an oracle independent of the code under test. */
function wall(instant: string, timeZone: string): { date: string; time: string } {
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
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** True when the wall time is skipped by a forward jump of the zone's clocks that day. */
function skipped(date: string, time: string, timeZone: string): boolean {
  const pdt = Temporal.PlainDateTime.from(`${date}T${time}`);
  const wallOf = (d: "earlier" | "later") =>
    pdt.toZonedDateTime(timeZone, { disambiguation: d }).toPlainDateTime().toString({ smallestUnit: "minute" });
  return wallOf("earlier") !== `${date}T${time}` && wallOf("later") !== `${date}T${time}`;
}

function assertSortedUnique(list: Occurrence[]) {
  for (let i = 1; i < list.length; i++) {
    const prev = list[i - 1] as Occurrence;
    const cur = list[i] as Occurrence;
    expect(Date.parse(cur.startsAt)).toBeGreaterThan(Date.parse(prev.startsAt));
    expect(cur.localDate > prev.localDate).toBe(true);
  }
}

describe("expandTrack properties", () => {
  it("starts every occurrence at the local start time on an allowed weekday and week, and ends at the local end time", () => {
    fc.assert(
      fc.property(arbTrack, (t) => {
        const list = expandTrack(build(t.input), t.timeZone, wide(t.startsOn));
        assertSortedUnique(list);
        if (t.count !== undefined) expect(list.length).toBeLessThanOrEqual(t.count);
        for (const o of list) {
          expect(o.startsAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/);
          expect(Date.parse(o.endsAt)).toBeGreaterThan(Date.parse(o.startsAt));
          const day = dayOf(o.localDate);
          expect(day).toBeGreaterThanOrEqual(t.startsOn);
          if (t.endsAfter !== undefined) expect(day).toBeLessThanOrEqual(t.startsOn + t.endsAfter);
          const weekday = WEEKDAYS[(new Date(day * DAY).getUTCDay() + 6) % 7] as Weekday;
          expect(t.days).toContain(weekday);
          // Weeks counted from the week (begun on WKST) holding startsOn.
          const offset = (d: number) =>
            (((new Date(d * DAY).getUTCDay() + 6) % 7) - WEEKDAYS.indexOf(t.weekStart) + 7) % 7;
          expect(((day - offset(day) - (t.startsOn - offset(t.startsOn))) / 7) % t.interval).toBe(0);

          const start = wall(o.startsAt, t.timeZone);
          expect(start.date).toBe(o.localDate);
          if (start.time !== t.startTime) {
            // The one documented exception: a start the clocks skip moves later by the gap.
            expect(skipped(o.localDate, t.startTime, t.timeZone)).toBe(true);
            expect(start.time > t.startTime).toBe(true);
          }
          const end = wall(o.endsAt, t.timeZone);
          if (start.time === t.startTime && !skipped(o.localDate, t.endTime, t.timeZone)) {
            expect(end).toEqual({ date: o.localDate, time: t.endTime });
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("leaves out exactly the skip dates and nothing else", () => {
    fc.assert(
      fc.property(arbTrack, (t) => {
        const plain = expandTrack(build(t.input), t.timeZone, wide(t.startsOn));
        const skips = t.skipPicks.map((i) => plain[i % Math.max(plain.length, 1)]?.localDate ?? dateOf(t.startsOn));
        const withSkips = expandTrack(build({ ...t.input, skipDates: skips }), t.timeZone, wide(t.startsOn));
        expect(withSkips).toEqual(plain.filter((o) => !skips.includes(o.localDate)));
      }),
      { numRuns: 100 },
    );
  });

  it("gives the same occurrences for [a, b) ∪ [b, c) as for [a, c)", () => {
    const cuts = fc.tuple(
      fc.integer({ min: -10 * DAY, max: 400 * DAY }),
      fc.integer({ min: 0, max: 200 * DAY }),
      fc.integer({ min: 0, max: 200 * DAY }),
    );
    fc.assert(
      fc.property(arbTrack, cuts, (t, [a0, ab, bc]) => {
        const pattern = build(t.input);
        const a = t.startsOn * DAY + a0;
        const b = a + ab;
        const c = b + bc;
        const whole = expandTrack(pattern, t.timeZone, { from: a, to: c });
        const parts = [
          ...expandTrack(pattern, t.timeZone, { from: a, to: b }),
          ...expandTrack(pattern, t.timeZone, { from: b, to: c }),
        ];
        expect(parts).toEqual(whole);
        const everything = expandTrack(pattern, t.timeZone, { from: (t.startsOn - 3) * DAY, to: c + DAY });
        expect(whole).toEqual(everything.filter((o) => Date.parse(o.startsAt) >= a && Date.parse(o.startsAt) < c));
      }),
      { numRuns: 100 },
    );
  });

  it("gives the same answer every time (deterministic)", () => {
    fc.assert(
      fc.property(arbTrack, (t) => {
        const pattern = build(t.input);
        expect(expandTrack(pattern, t.timeZone, wide(t.startsOn))).toEqual(
          expandTrack(structuredClone(pattern), t.timeZone, wide(t.startsOn)),
        );
      }),
      { numRuns: 30 },
    );
  });
});
