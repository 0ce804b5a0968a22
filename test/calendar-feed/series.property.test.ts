import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { type FeedSeries, renderFeed } from "../../src/calendar-feed/ics.ts";
import { expandSeries, parseFeed, type Shown } from "./read-feed.ts";

/**
 * Any weekly series, in zones with every kind of offset change, expanded by ical.js: the same
 * instants as Temporal gives for the rule's local dates and time, minus the EXDATEs, with the
 * overrides in place. Instances stay between 04:00 and 23:00 local, clear of the hours zones
 * change their clocks in (23:00 to 01:00, 02:00 to 03:45): there ical.js departs from RFC 5545,
 * reading a repeated local time as the later instant and adding an instance's duration to its
 * wall time (RFC 5545 §3.8.5.3 makes it exact).
 */

const ZONES = [
  "America/Los_Angeles",
  "America/New_York",
  "America/St_Johns",
  "America/Santiago",
  "Europe/London",
  "Europe/Berlin",
  "Africa/Casablanca",
  "Asia/Kathmandu",
  "Australia/Sydney",
  "Australia/Lord_Howe",
  "Pacific/Auckland",
  "Pacific/Chatham",
];
const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
const MINUTE = 60_000;

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

const arbSeries = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    daysFromToday: fc.integer({ min: -500, max: 900 }),
    extraDays: fc.subarray([0, 1, 2, 3, 4, 5, 6]),
    interval: fc.constantFrom(1, 1, 2, 3),
    count: fc.integer({ min: 1, max: 40 }),
    startMinute: fc.integer({ min: 4 * 60, max: 20 * 60 + 59 }),
    duration: fc.integer({ min: 15, max: 120 }),
    // Per rule date: kept, excluded, moved by some minutes, or cancelled.
    fates: fc.array(
      fc.oneof(
        { weight: 6, arbitrary: fc.constant({ kind: "kept" as const }) },
        { weight: 1, arbitrary: fc.constant({ kind: "excluded" as const }) },
        {
          weight: 1,
          arbitrary: fc.record({
            kind: fc.constant("moved" as const),
            byMinutes: fc.integer({ min: -3000, max: 3000 }),
            minutes: fc.integer({ min: 15, max: 300 }),
          }),
        },
        { weight: 1, arbitrary: fc.constant({ kind: "cancelled" as const }) },
      ),
      { minLength: 40, maxLength: 40 },
    ),
    sequence: fc.integer({ min: 1, max: 50 }),
  })
  .map((c) => {
    const first = Temporal.Now.plainDateISO(c.zone).add({ days: c.daysFromToday });
    const days = [...new Set([first.dayOfWeek - 1, ...c.extraDays])].sort((a, b) => a - b);
    return { ...c, first, days };
  });

/** The rule's local dates, by a weekly expander of the test's own (WKST=MO). */
function ruleDates(first: Temporal.PlainDate, days: number[], interval: number, count: number): string[] {
  const out: string[] = [];
  const weekStart = first.subtract({ days: first.dayOfWeek - 1 });
  for (let week = 0; out.length < count; week += interval) {
    for (const d of days) {
      const date = weekStart.add({ days: 7 * week + d });
      if (Temporal.PlainDate.compare(date, first) >= 0 && out.length < count) out.push(date.toString());
    }
  }
  return out;
}

describe("weekly series through ical.js, against Temporal", () => {
  it("shows exactly the expected instances", () => {
    fc.assert(
      fc.property(arbSeries, (c) => {
        const time = hhmm(c.startMinute);
        const local = (date: string) =>
          Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(c.zone).epochMilliseconds;
        const dates = ruleDates(c.first, c.days, c.interval, c.count);
        const series: FeedSeries = {
          id: "trk_p",
          rrule: `FREQ=WEEKLY;INTERVAL=${c.interval};COUNT=${c.count};BYDAY=${c.days.map((d) => WEEKDAYS[d]).join(",")}`,
          firstDate: c.first.toString(),
          startTime: time,
          durationMinutes: c.duration,
          summary: "Group session",
          excludedDates: [],
          overrides: [],
        };
        const expected: Shown[] = [];
        const plain = (start: number, minutes: number, sequence: number, status: string): Shown => ({
          start,
          end: start + minutes * MINUTE,
          status,
          sequence,
          summary: "Group session",
          url: null,
        });
        dates.forEach((date, i) => {
          const fate = c.fates[i] ?? { kind: "kept" };
          const start = local(date);
          if (fate.kind === "kept") expected.push(plain(start, c.duration, 0, "CONFIRMED"));
          if (fate.kind === "excluded") series.excludedDates.push(date);
          if (fate.kind === "moved" || fate.kind === "cancelled") {
            const moved = fate.kind === "moved";
            const at = moved ? start + fate.byMinutes * MINUTE : start;
            const minutes = moved ? fate.minutes : c.duration;
            const o = plain(at, minutes, c.sequence, moved ? "CONFIRMED" : "CANCELLED");
            expected.push(o);
            const { start: oStart, end: oEnd, sequence, summary } = o;
            series.overrides.push({
              id: `ses_${i}`,
              ruleDate: date,
              start: oStart,
              end: oEnd,
              sequence,
              summary,
              cancelled: !moved,
            });
          }
        });
        const text = renderFeed({
          name: "Sessions",
          timezone: c.zone,
          now: Date.now(),
          series: [series],
          occurrences: [],
        });
        const shown = expandSeries(parseFeed(text), "trk_p@iop-orchestrator");
        expect(shown.map(iso)).toEqual(expected.map(iso));
      }),
      { numRuns: 150 },
    );
  });
});

function iso(s: Shown) {
  return { ...s, start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() };
}
