import ICAL from "ical.js";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { renderFeed } from "../../src/calendar-feed/ics.ts";
import { parseFeed } from "./read-feed.ts";

/**
 * The VTIMEZONE against the runtime's zone data, read through Temporal (its own Intl reading,
 * not the renderer's): every observance is a real offset change with the offsets on either
 * side of it, none is missing, and ical.js, reading only the VTIMEZONE, turns local times into
 * the same instants.
 */

const DAY = 86_400_000;
const YEAR = 365 * DAY;

interface Observance {
  kind: "standard" | "daylight";
  /** The onset: DTSTART (local time in TZOFFSETFROM) turned into an instant. */
  at: number;
  from: number;
  to: number;
  /** The three values as written. */
  raw: { dtstart: string; from: string; to: string };
}

function observances(text: string, zone: string): Observance[] {
  const vtimezones = parseFeed(text).getAllSubcomponents("vtimezone");
  expect(vtimezones).toHaveLength(1);
  const vtz = vtimezones[0] as ICAL.Component;
  expect(vtz.getFirstPropertyValue("tzid")).toBe(zone);
  return vtz.getAllSubcomponents().map((c) => {
    expect(["standard", "daylight"]).toContain(c.name);
    const start = c.getFirstPropertyValue("dtstart") as ICAL.Time;
    // ical.js keeps an offset's seconds in the jCal value ("-00:44:30") but drops them in UtcOffset.
    const from = String(c.getFirstProperty("tzoffsetfrom")?.toJSON()[3]);
    const to = String(c.getFirstProperty("tzoffsetto")?.toJSON()[3]);
    const wall = Date.UTC(start.year, start.month - 1, start.day, start.hour, start.minute, start.second);
    return {
      kind: c.name as Observance["kind"],
      at: wall - seconds(from) * 1000,
      from: seconds(from),
      to: seconds(to),
      raw: { dtstart: start.toICALString(), from, to },
    };
  });
}

function seconds(offset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(offset);
  if (!m) throw new Error(`not an offset: ${offset}`);
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0));
}

/** Temporal's offset at an instant, in seconds. */
function offsetAt(at: number, zone: string): number {
  return Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(zone).offsetNanoseconds / 1e9;
}

/** Temporal's offset changes in (from, to). */
function changes(zone: string, from: number, to: number): number[] {
  const found: number[] = [];
  let z = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(zone);
  for (;;) {
    const next = z.getTimeZoneTransition("next");
    if (!next || next.epochMilliseconds >= to) return found;
    found.push(next.epochMilliseconds);
    z = next;
  }
}

function vtimezoneAt(now: number, zone: string): string {
  return renderFeed({ name: "Sessions", timezone: zone, now, series: [], occurrences: [] });
}

/** Each observance is a real change (or, the first, the offset then in effect), in order. */
function expectTrueToTheZone(obs: Observance[], zone: string): void {
  const [first, ...rest] = obs;
  if (!first) throw new Error("no observance");
  expect(first.from).toBe(first.to);
  expect(first.to).toBe(offsetAt(first.at, zone));
  for (const o of rest) {
    expect({
      at: new Date(o.at).toISOString(),
      before: offsetAt(o.at - 1000, zone),
      after: offsetAt(o.at, zone),
    }).toEqual({ at: new Date(o.at).toISOString(), before: o.from, after: o.to });
  }
  const ats = obs.map((o) => o.at);
  expect(ats).toEqual([...ats].sort((a, b) => a - b));
  // None missing between the first and the last onset.
  expect(rest.map((o) => o.at)).toEqual(changes(zone, first.at, (obs.at(-1)?.at ?? first.at) + 1));
}

const now = Date.now();

describe("VTIMEZONE for the next few years, against Temporal", () => {
  const zones = [
    "America/Los_Angeles",
    "America/New_York",
    "America/St_Johns",
    "America/Santiago",
    "America/Havana",
    "Europe/London",
    "Europe/Dublin",
    "Africa/Casablanca",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
  ];

  for (const zone of zones) {
    it(`${zone}: a real change per observance, none missing from a year before now to four years after`, () => {
      const obs = observances(vtimezoneAt(now, zone), zone);
      expectTrueToTheZone(obs, zone);
      const first = obs[0]?.at ?? Number.NaN;
      expect(first).toBeLessThanOrEqual(now - YEAR);
      const onsets = new Set(obs.map((o) => o.at));
      for (const at of changes(zone, first, now + 4 * YEAR)) expect(onsets.has(at)).toBe(true);
      // Observances are only for changes the zone really has: roughly two a year here.
      expect(obs.length).toBeLessThan(2 * 8 + 2);
    });
  }

  it("marks summer time DAYLIGHT in both hemispheres, Lord Howe's half hour and Dublin's summer included", () => {
    const daylightOffset: Record<string, number> = {
      "America/Los_Angeles": -7 * 3600,
      "Australia/Sydney": 11 * 3600,
      "Australia/Lord_Howe": 11 * 3600,
      "Europe/Dublin": 3600,
    };
    for (const [zone, summer] of Object.entries(daylightOffset)) {
      const obs = observances(vtimezoneAt(now, zone), zone);
      expect(obs.some((o) => o.kind === "daylight")).toBe(true);
      for (const o of obs)
        expect({ zone, daylight: o.kind === "daylight" }).toEqual({ zone, daylight: o.to === summer });
    }
  });

  it("Lord Howe's changes move the clock by 30 minutes", () => {
    const obs = observances(vtimezoneAt(now, "Australia/Lord_Howe"), "Australia/Lord_Howe");
    const shifts = new Set(obs.slice(1).map((o) => Math.abs(o.to - o.from)));
    expect([...shifts]).toEqual([1800]);
    expect(new Set(obs.map((o) => o.raw.to))).toEqual(new Set(["+10:30", "+11:00"]));
  });

  for (const [zone, offset] of [
    ["Asia/Kathmandu", "+05:45"],
    ["Asia/Kolkata", "+05:30"],
    ["America/Phoenix", "-07:00"],
    ["Asia/Tokyo", "+09:00"],
    ["UTC", "+00:00"],
  ] as const) {
    it(`${zone}, without DST: one STANDARD at ${offset}`, () => {
      const obs = observances(vtimezoneAt(now, zone), zone);
      expect(obs.map((o) => [o.kind, o.raw.from, o.raw.to])).toEqual([["standard", offset, offset]]);
      expect(changes(zone, now - 2 * YEAR, now + 4 * YEAR)).toEqual([]);
    });
  }
});

describe("ical.js reads local times through the VTIMEZONE as Temporal does", () => {
  for (const zone of ["America/Los_Angeles", "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Chatham"]) {
    it(`${zone}: a wall time every 29 hours across the span, and an hour either side of each change`, () => {
      const text = vtimezoneAt(now, zone);
      const obs = observances(text, zone);
      const tz = parseFeed(text).getTimeZoneByID(zone);
      if (!tz) throw new Error("ical.js did not find the VTIMEZONE");
      const from = obs[0]?.at ?? Number.NaN;
      const samples: number[] = [];
      for (let at = from + DAY; at < now + 4 * YEAR; at += 29 * 3_600_000) samples.push(at);
      for (const o of obs.slice(1)) samples.push(o.at - 3_600_000, o.at + 3_600_000);
      let checked = 0;
      for (const at of samples) {
        const wall = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(zone).toPlainDateTime();
        // A repeated wall time names two instants; RFC 5545 and ical.js disagree on which.
        const earlier = wall.toZonedDateTime(zone, { disambiguation: "earlier" }).epochMilliseconds;
        const later = wall.toZonedDateTime(zone, { disambiguation: "later" }).epochMilliseconds;
        if (earlier !== later) continue;
        const time = new ICAL.Time(
          {
            year: wall.year,
            month: wall.month,
            day: wall.day,
            hour: wall.hour,
            minute: wall.minute,
            second: wall.second,
          },
          tz,
        );
        expect({ wall: wall.toString(), at: time.toUnixTime() * 1000 }).toEqual({ wall: wall.toString(), at });
        checked++;
      }
      expect(checked).toBeGreaterThan(1000);
    });
  }
});

describe("offsets with seconds (local mean time), where the zone data has them", () => {
  // date-ok: historical instants are the point; these zones have had whole-minute offsets since.
  const cases = [
    { zone: "Africa/Monrovia", now: Date.parse("1971-06-01T00:00:00Z"), from: "-00:44:30", to: "+00:00" }, // date-ok: Liberia left -0:44:30 in 1972
    { zone: "America/Los_Angeles", now: Date.parse("1883-06-01T00:00:00Z"), from: "-07:52:58", to: "-08:00" }, // date-ok: railway time, 1883
  ];
  for (const c of cases) {
    it(`${c.zone}: ${c.from} → ${c.to} written as ±hhmmss, onset in the old offset`, () => {
      const text = vtimezoneAt(c.now, c.zone);
      const obs = observances(text, c.zone);
      expectTrueToTheZone(obs, c.zone);
      const change = obs.find((o) => o.raw.from === c.from && o.raw.to === c.to);
      if (!change) throw new Error(`no ${c.from} → ${c.to} observance`);
      const wire = `${c.from.replaceAll(":", "")}`;
      expect(text).toContain(`TZOFFSETFROM:${wire}\r\n`);
      expect(text).toContain(`TZOFFSETTO:${c.to.replaceAll(":", "")}\r\n`);
      // The onset is the local time just before the change, counted in the old offset.
      const before = Temporal.Instant.fromEpochMilliseconds(change.at)
        .toZonedDateTimeISO(c.zone)
        .subtract({ seconds: 1 });
      const expectedOnset = before.toPlainDateTime().add({ seconds: 1 });
      expect(change.raw.dtstart).toBe(expectedOnset.toString().replace(/[-:]/g, ""));
    });
  }
});
