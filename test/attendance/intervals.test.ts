import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  clipMinutes,
  MINUTE_MS,
  mergeIntervals,
  type PresenceEvent,
  presenceIntervals,
  type Span,
} from "../../src/attendance/intervals.ts";

const SEC = 1000;
const PARTICIPANTS = ["clt_a", "clt_b", "fac_c"];
const SESSION_END = 3600 * SEC;

/** Events on whole seconds of one hour (so equal timestamps happen), ids drawn from a small pool (so duplicates do). */
const event = fc.record({
  eventId: fc.integer({ min: 0, max: 40 }).map((n) => `ev_${n}`),
  participantId: fc.constantFrom(...PARTICIPANTS),
  type: fc.constantFrom("connect" as const, "disconnect" as const),
  at: fc.integer({ min: 0, max: 3900 }).map((s) => s * SEC),
  source: fc.constantFrom("join" as const, "leave" as const, "admit" as const, "remove" as const, "provider" as const),
});
const events = fc.array(event, { maxLength: 40 });
/** The same events with every id distinct, for properties about one delivery of each fact. */
const distinctEvents = events.map((es) => es.map((e, i) => ({ ...e, eventId: `ev_${i}` })));

const shuffled = <T>(xs: T[]) => fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length });
const asObject = (m: Map<string, Span[]>) => Object.fromEntries(m);
const run = (es: readonly PresenceEvent[]) => asObject(presenceIntervals(es, { sessionEnd: SESSION_END }));

describe("presenceIntervals", () => {
  it("gives the same intervals for any order of the same events, duplicates included", () => {
    fc.assert(
      fc.property(
        events.chain((es) => fc.tuple(fc.constant(es), shuffled(es))),
        ([original, permuted]) => {
          expect(run(permuted)).toEqual(run(original));
        },
      ),
    );
  });

  it("ignores any number of re-deliveries of any events", () => {
    fc.assert(
      fc.property(
        distinctEvents.chain((es) =>
          fc.tuple(
            fc.constant(es),
            fc.subarray(es).chain((dups) => shuffled([...es, ...dups, ...dups])),
          ),
        ),
        ([original, redelivered]) => {
          expect(run(redelivered)).toEqual(run(original));
        },
      ),
    );
  });

  it("returns sorted, disjoint, non-empty intervals that end by the session end", () => {
    fc.assert(
      fc.property(events, (es) => {
        for (const spans of presenceIntervals(es, { sessionEnd: SESSION_END }).values()) {
          for (const [i, s] of spans.entries()) {
            expect(s.end).toBeGreaterThan(s.start);
            expect(s.end).toBeLessThanOrEqual(SESSION_END);
            const prev = spans[i - 1];
            if (prev) expect(s.start).toBeGreaterThan(prev.end);
          }
        }
      }),
    );
  });

  it("never lowers anyone's minutes when a connect is added inside a connected span", () => {
    fc.assert(
      fc.property(
        distinctEvents,
        fc.nat(),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (es, pick, frac) => {
          const before = presenceIntervals(es, { sessionEnd: SESSION_END });
          const spans = [...before.entries()].flatMap(([id, ss]) => ss.map((s) => ({ id, s })));
          fc.pre(spans.length > 0);
          const { id, s } = spans[pick % spans.length] as { id: string; s: Span };
          const at = Math.floor((s.start + frac * (s.end - s.start)) / SEC) * SEC;
          const extra: PresenceEvent = {
            eventId: "ev_extra",
            participantId: id,
            type: "connect",
            at,
            source: "provider",
          };
          const after = presenceIntervals([...es, extra], { sessionEnd: SESSION_END });
          for (const p of PARTICIPANTS) {
            const window = { start: 0, end: SESSION_END };
            expect(clipMinutes(after.get(p) ?? [], window, 0)).toBeGreaterThanOrEqual(
              clipMinutes(before.get(p) ?? [], window, 0),
            );
          }
        },
      ),
    );
  });

  it("counts a reconnect once and closes an open interval at the session end", () => {
    const ev = (eventId: string, type: PresenceEvent["type"], min: number): PresenceEvent => ({
      eventId,
      participantId: "clt_a",
      type,
      at: min * MINUTE_MS,
      source: "provider",
    });
    const spans = presenceIntervals(
      [ev("1", "connect", 0), ev("2", "connect", 5), ev("3", "disconnect", 20), ev("4", "disconnect", 25)],
      { sessionEnd: 60 * MINUTE_MS },
    ).get("clt_a");
    expect(spans).toEqual([{ start: 0, end: 20 * MINUTE_MS }]);
    const open = presenceIntervals([ev("1", "connect", 30)], { sessionEnd: 60 * MINUTE_MS }).get("clt_a");
    expect(open).toEqual([{ start: 30 * MINUTE_MS, end: 60 * MINUTE_MS }]);
  });

  it("counts an event id once even when a second delivery carries different content", () => {
    const events: PresenceEvent[] = [
      { eventId: "lk_1", participantId: "clt_a", type: "connect", at: 0, source: "provider" },
      { eventId: "lk_2", participantId: "clt_a", type: "disconnect", at: 10 * MINUTE_MS, source: "provider" },
      // A provider reusing an id for a later, different fact: the earliest delivery of the id stands.
      { eventId: "lk_2", participantId: "clt_a", type: "connect", at: 20 * MINUTE_MS, source: "provider" },
    ];
    for (const order of [events, [...events].reverse()]) {
      expect(presenceIntervals(order, { sessionEnd: 60 * MINUTE_MS }).get("clt_a")).toEqual([
        { start: 0, end: 10 * MINUTE_MS },
      ]);
    }
  });

  it("ignores an event whose time is not a finite number, and still ends", () => {
    const events: PresenceEvent[] = [
      { eventId: "a", participantId: "clt_a", type: "connect", at: 0, source: "join" },
      { eventId: "b", participantId: "clt_a", type: "disconnect", at: Number.NaN, source: "provider" },
      { eventId: "c", participantId: "clt_a", type: "connect", at: Number.POSITIVE_INFINITY, source: "provider" },
      { eventId: "d", participantId: "clt_a", type: "disconnect", at: 20 * MINUTE_MS, source: "leave" },
    ];
    expect(presenceIntervals(events, { sessionEnd: 60 * MINUTE_MS }).get("clt_a")).toEqual([
      { start: 0, end: 20 * MINUTE_MS },
    ]);
  });

  it("treats a connect and a disconnect at the same instant as no change, whichever state came before", () => {
    const at = 10 * MINUTE_MS;
    const base: PresenceEvent[] = [
      { eventId: "a", participantId: "clt_a", type: "connect", at: 0, source: "join" },
      { eventId: "b", participantId: "clt_a", type: "disconnect", at, source: "provider" },
      { eventId: "c", participantId: "clt_a", type: "connect", at, source: "provider" },
    ];
    // Connected before: a leave and a rejoin in the same instant keep the seat without a gap.
    expect(presenceIntervals(base, { sessionEnd: 30 * MINUTE_MS }).get("clt_a")).toEqual([
      { start: 0, end: 30 * MINUTE_MS },
    ]);
    // Disconnected before: a join aborted in the same instant adds no time.
    const blip = base.slice(1);
    expect(presenceIntervals(blip, { sessionEnd: 30 * MINUTE_MS }).get("clt_a")).toEqual([]);
  });
});

describe("mergeIntervals", () => {
  const span = fc
    .tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }))
    .map(([start, end]) => ({ start, end }));
  const covered = (spans: readonly Span[], t: number) => spans.some((s) => s.start <= t && t < s.end);

  it("gives sorted, disjoint spans covering exactly the union, and is idempotent", () => {
    fc.assert(
      fc.property(fc.array(span, { maxLength: 30 }), (input) => {
        const merged = mergeIntervals(input);
        for (const [i, s] of merged.entries()) {
          expect(s.end).toBeGreaterThan(s.start);
          const prev = merged[i - 1];
          if (prev) expect(s.start).toBeGreaterThan(prev.end); // touching spans would have merged
        }
        for (let t = -1; t <= 201; t++) expect(covered(merged, t)).toBe(covered(input, t));
        expect(mergeIntervals(merged)).toEqual(merged);
      }),
    );
  });

  it("merges overlapping and touching spans but keeps a gap of one millisecond", () => {
    expect(
      mergeIntervals([
        { start: 10, end: 20 },
        { start: 0, end: 5 },
        { start: 20, end: 30 },
        { start: 15, end: 18 },
        { start: 31, end: 40 },
        { start: 50, end: 50 },
      ]),
    ).toEqual([
      { start: 0, end: 5 },
      { start: 10, end: 30 },
      { start: 31, end: 40 },
    ]);
  });
});

describe("clipMinutes", () => {
  // Seconds of one hour; the oracle counts covered seconds one by one, independently of the merge.
  const span = fc
    .tuple(fc.integer({ min: 0, max: 3600 }), fc.integer({ min: 0, max: 3600 }))
    .map(([a, b]) => ({ start: a * SEC, end: b * SEC }));
  const scheduled = fc
    .tuple(fc.integer({ min: 0, max: 3600 }), fc.integer({ min: 0, max: 3600 }))
    .map(([a, b]) => ({ start: Math.min(a, b) * SEC, end: Math.max(a, b) * SEC }));

  it("equals the covered seconds inside the widened window, floored to minutes, and never exceeds it", () => {
    fc.assert(
      fc.property(
        fc.array(span, { maxLength: 20 }),
        scheduled,
        fc.integer({ min: 0, max: 20 }),
        (spans, sch, allow) => {
          const minutes = clipMinutes(spans, sch, allow);
          const lo = sch.start / SEC - allow * 60;
          const hi = sch.end / SEC + allow * 60;
          let seconds = 0;
          for (let t = lo; t < hi; t++) if (spans.some((s) => s.start <= t * SEC && t * SEC < s.end)) seconds++;
          expect(minutes).toBe(Math.floor(seconds / 60));
          expect(minutes).toBeLessThanOrEqual((sch.end - sch.start) / MINUTE_MS + 2 * allow);
        },
      ),
    );
  });

  it("sums fragments before rounding, so two half minutes make one minute", () => {
    const spans = [
      { start: 0, end: 30 * SEC },
      { start: 90 * SEC, end: 120 * SEC },
    ];
    expect(clipMinutes(spans, { start: 0, end: 10 * MINUTE_MS }, 0)).toBe(1);
  });

  it("counts presence before the start only within the allowance", () => {
    const start = 60 * MINUTE_MS;
    const spans = [{ start: start - 30 * MINUTE_MS, end: start + 60 * MINUTE_MS }];
    const scheduledSpan = { start, end: start + 180 * MINUTE_MS };
    expect(clipMinutes(spans, scheduledSpan, 0)).toBe(60);
    expect(clipMinutes(spans, scheduledSpan, 10)).toBe(70);
    expect(clipMinutes(spans, scheduledSpan, -5)).toBe(60);
  });
});
