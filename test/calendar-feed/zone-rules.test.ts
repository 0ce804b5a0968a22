import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { ZoneRules } from "../../src/calendar-feed/zone-rules.ts";

/**
 * The renderer's own offset arithmetic (offsets, wall times, RFC 5545 reading of a local time)
 * against Temporal, for instants anywhere in the span and, more often, minutes from a change.
 */

const ZONES = [
  "America/Los_Angeles",
  "America/Santiago",
  "America/St_Johns",
  "Europe/London",
  "Africa/Casablanca",
  "Asia/Kathmandu",
  "Australia/Sydney",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
];
const MINUTE = 60_000;
const thisYear = new Date().getUTCFullYear();

/** A zone, its rules for this year ± a few, and an instant in them, often within two hours of a change. */
const arbCase = fc.constantFrom(...ZONES).chain((zone) => {
  const rules = ZoneRules.of(zone, thisYear - 1, thisYear + 5);
  const changes = rules.transitions.map((t) => t.at);
  const near =
    changes.length === 0
      ? fc.integer({ min: rules.from, max: rules.to - 1 })
      : fc
          .tuple(fc.constantFrom(...changes), fc.integer({ min: -120, max: 120 }))
          .map(([at, minutes]) => at + minutes * MINUTE);
  const anywhere = fc.integer({ min: rules.from, max: rules.to - 1 }).map((at) => Math.floor(at / 1000) * 1000);
  return fc.record({ zone: fc.constant(zone), rules: fc.constant(rules), at: fc.oneof(near, anywhere) });
});

const zdt = (at: number, zone: string) => Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(zone);
const wallMs = (pdt: Temporal.PlainDateTime) => Date.parse(`${pdt.toString()}Z`);

describe("ZoneRules against Temporal", () => {
  it("gives the offset and the wall time of any instant, and flags a repeated wall time", () => {
    fc.assert(
      fc.property(arbCase, ({ zone, rules, at }) => {
        const z = zdt(at, zone);
        const wall = z.toPlainDateTime();
        const twice =
          wall.toZonedDateTime(zone, { disambiguation: "earlier" }).epochMilliseconds !==
          wall.toZonedDateTime(zone, { disambiguation: "later" }).epochMilliseconds;
        expect(rules.offsetAt(at)).toBe(z.offsetNanoseconds / 1e9);
        expect(rules.wallOf(at)).toEqual({ wall: wallMs(wall), ambiguous: twice });
      }),
      { numRuns: 2000 },
    );
  });

  it("reads a wall time as RFC 5545 does: the earlier of a repeated one, the offset before a skipped one", () => {
    fc.assert(
      fc.property(arbCase, ({ zone, rules, at }) => {
        // The instant's wall time, shifted so that it also lands in skipped and repeated stretches.
        const wall = zdt(at, zone).toPlainDateTime().add({ minutes: 30 });
        // Temporal's "compatible" is RFC 5545 §3.3.5: earlier when repeated, later by the gap when skipped.
        const expected = wall.toZonedDateTime(zone, { disambiguation: "compatible" }).epochMilliseconds;
        expect(rules.instantOf(wallMs(wall))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("covers whole UTC years and says what came before with the offset at its start", () => {
    const rules = ZoneRules.of("Australia/Lord_Howe", thisYear - 1, thisYear + 5);
    expect(new Date(rules.from).toISOString()).toBe(`${thisYear - 1}-01-01T00:00:00.000Z`);
    expect(new Date(rules.to).toISOString()).toBe(`${thisYear + 5}-01-01T00:00:00.000Z`);
    expect(rules.initialOffset).toBe(zdt(rules.from, "Australia/Lord_Howe").offsetNanoseconds / 1e9);
    expect(rules.transitions.length).toBe(12);
    expect(ZoneRules.of("Australia/Lord_Howe", thisYear - 1, thisYear + 5)).toBe(rules);
  });

  it("refuses a zone Intl does not know", () => {
    expect(() => ZoneRules.of("Mars/Olympus_Mons", thisYear, thisYear + 1)).toThrow(RangeError);
  });
});
