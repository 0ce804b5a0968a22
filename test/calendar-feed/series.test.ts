import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { type FeedSeries, renderFeed } from "../../src/calendar-feed/ics.ts";
import { nextTransition, plusDays, zoned } from "../dates.ts";
import { eventsOf, expandSeries, parseFeed, type Shown } from "./read-feed.ts";

/**
 * Series as a subscriber's calendar expands them: ical.js applies the RRULE, the EXDATEs and
 * the overrides; the instants it shows must be the ones Temporal gives for the same local
 * times. Every fixture straddles the zone's next real offset change.
 */

const WEEKDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
const MINUTE = 60_000;
const UID = (id: string) => `${id}@iop-orchestrator`;

/** The instant of a local time, by Temporal. */
const at = (date: string, time: string, zone: string) => Date.parse(zoned(date, time, zone));
const weekdayOf = (date: string) => WEEKDAY[Temporal.PlainDate.from(date).dayOfWeek - 1] as string;
const offsetOf = (instant: number, zone: string) =>
  Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(zone).offsetNanoseconds;
const today = (zone: string) => Temporal.Now.plainDateISO(zone).toString();

function feed(zone: string, series: FeedSeries[]) {
  return renderFeed({ name: "Sessions", timezone: zone, now: Date.now(), series, occurrences: [] });
}

function confirmed(start: number, minutes: number, sequence = 0, url: string | null = null): Shown {
  return { start, end: start + minutes * MINUTE, status: "CONFIRMED", sequence, summary: "Group session", url };
}

describe.each(["America/Los_Angeles", "Australia/Sydney", "Australia/Lord_Howe"])("%s", (zone) => {
  // The rule's fourth date is the day of the next offset change; 09:00 is after the change.
  const change = nextTransition(today(zone), zone);
  const first = plusDays(change, -21);
  const ruleDate = (k: number) => plusDays(first, 7 * k);
  const moved = { start: at(plusDays(ruleDate(2), 1), "10:00", zone), minutes: 90 };
  const series: FeedSeries = {
    id: "trk_weekly",
    rrule: `FREQ=WEEKLY;COUNT=8;BYDAY=${weekdayOf(first)}`,
    firstDate: first,
    startTime: "09:00",
    durationMinutes: 180,
    summary: "Group session",
    url: "https://video.example/j/trk_weekly",
    excludedDates: [ruleDate(1)],
    overrides: [
      {
        id: "ses_moved",
        ruleDate: ruleDate(2),
        start: moved.start,
        end: moved.start + moved.minutes * MINUTE,
        sequence: 2,
        cancelled: false,
        summary: "Group session",
        url: "https://video.example/j/ses_moved",
      },
      {
        id: "ses_cancelled",
        ruleDate: ruleDate(5),
        start: at(ruleDate(5), "09:00", zone),
        end: at(ruleDate(5), "12:00", zone),
        sequence: 1,
        cancelled: true,
        summary: "Group session",
      },
    ],
  };
  const text = feed(zone, [series]);
  const vcal = parseFeed(text);

  it("the fixture crosses the change: the first and last rule dates have different offsets", () => {
    expect(offsetOf(at(ruleDate(0), "09:00", zone), zone)).not.toBe(offsetOf(at(ruleDate(7), "09:00", zone), zone));
  });

  it("expands to the expected instants: 09:00 local on both sides, the skipped date gone, the move applied", () => {
    const url = series.url ?? null;
    const expected: Shown[] = [
      confirmed(at(ruleDate(0), "09:00", zone), 180, 0, url),
      confirmed(moved.start, moved.minutes, 2, "https://video.example/j/ses_moved"),
      confirmed(at(ruleDate(3), "09:00", zone), 180, 0, url),
      confirmed(at(ruleDate(4), "09:00", zone), 180, 0, url),
      { ...confirmed(at(ruleDate(5), "09:00", zone), 180, 1), status: "CANCELLED" },
      confirmed(at(ruleDate(6), "09:00", zone), 180, 0, url),
      confirmed(at(ruleDate(7), "09:00", zone), 180, 0, url),
    ];
    expect(expandSeries(vcal, UID("trk_weekly")).map(readable)).toEqual(expected.map(readable));
  });

  it("writes the master with SEQUENCE 0, the rule, and the EXDATE at the series' start time", () => {
    const [master] = eventsOf(vcal, UID("trk_weekly"));
    expect(master?.getFirstPropertyValue("sequence")).toBe(0);
    expect(master?.getFirstPropertyValue("rrule")?.toString()).toBe(series.rrule);
    const exdate = master?.getFirstProperty("exdate");
    expect(exdate?.getParameter("tzid")).toBe(zone);
    expect((exdate?.getFirstValue() as ICALTime | undefined)?.toICALString()).toBe(`${compact(ruleDate(1))}T090000`);
  });

  it("puts each override's RECURRENCE-ID at the rule's own 09:00 on its rule date, in the zone", () => {
    const overrides = eventsOf(vcal, UID("trk_weekly")).slice(1);
    expect(overrides.map((o) => o.getFirstProperty("recurrence-id")?.getParameter("tzid"))).toEqual([zone, zone]);
    expect(overrides.map((o) => (o.getFirstPropertyValue("recurrence-id") as ICALTime).toICALString())).toEqual([
      `${compact(ruleDate(2))}T090000`,
      `${compact(ruleDate(5))}T090000`,
    ]);
    expect(overrides.map((o) => o.getFirstProperty("dtstart")?.getParameter("tzid"))).toEqual([zone, zone]);
  });

  it("gives the master an exact DTEND when its first session spans the change (RFC 5545 §3.8.5.3)", () => {
    const spanning: FeedSeries = {
      id: "trk_night",
      rrule: "FREQ=WEEKLY;COUNT=2",
      firstDate: change,
      startTime: "00:30",
      durationMinutes: 240,
      summary: "Group session",
      excludedDates: [],
      overrides: [],
    };
    const [master] = eventsOf(parseFeed(feed(zone, [spanning])), UID("trk_night"));
    const end = Temporal.Instant.fromEpochMilliseconds(at(change, "00:30", zone) + 240 * MINUTE).toZonedDateTimeISO(
      zone,
    );
    expect(master?.getFirstProperty("dtend")?.toICALString()).toBe(
      `DTEND;TZID=${zone}:${end.toPlainDateTime().toString().replace(/[-:]/g, "")}`,
    );
    // The wall clock shows 04:30 plus or minus the change, not 04:30.
    expect(end.toPlainTime().toString()).not.toBe("04:30:00");
  });

  it("an evening series every other day keeps 18:00 local across the change", () => {
    const daily: FeedSeries = {
      id: "trk_daily",
      rrule: "FREQ=DAILY;INTERVAL=2;COUNT=12",
      firstDate: plusDays(change, -11),
      startTime: "18:00",
      durationMinutes: 90,
      summary: "Group session",
      excludedDates: [],
      overrides: [],
    };
    const shown = expandSeries(parseFeed(feed(zone, [daily])), UID("trk_daily"));
    const expected = Array.from({ length: 12 }, (_, i) =>
      confirmed(at(plusDays(daily.firstDate, 2 * i), "18:00", zone), 90),
    );
    expect(shown.map(readable)).toEqual(expected.map(readable));
    expect(new Set(shown.map((s) => offsetOf(s.start, zone))).size).toBe(2);
  });

  it("a monthly series keeps its day of month and wall time across the change", () => {
    const day = Math.min(Temporal.PlainDate.from(change).day, 28);
    const firstDate = Temporal.PlainDate.from(change).subtract({ months: 3 }).with({ day }).toString();
    const monthly: FeedSeries = {
      id: "trk_monthly",
      rrule: "FREQ=MONTHLY;COUNT=7",
      firstDate,
      startTime: "12:30",
      durationMinutes: 60,
      summary: "Group session",
      excludedDates: [],
      overrides: [],
    };
    const shown = expandSeries(parseFeed(feed(zone, [monthly])), UID("trk_monthly"));
    const expected = Array.from({ length: 7 }, (_, i) =>
      confirmed(at(Temporal.PlainDate.from(firstDate).add({ months: i }).toString(), "12:30", zone), 60),
    );
    expect(shown.map(readable)).toEqual(expected.map(readable));
  });

  it("an open-ended rule on two weekdays gives Temporal's instants for its first 60 sessions", () => {
    const monday = Temporal.PlainDate.from(change).subtract({ weeks: 2 });
    const firstDate = monday.subtract({ days: monday.dayOfWeek - 1 }).toString();
    const open: FeedSeries = {
      id: "trk_open",
      rrule: "FREQ=WEEKLY;BYDAY=MO,TH",
      firstDate,
      startTime: "09:00",
      durationMinutes: 180,
      summary: "Group session",
      excludedDates: [],
      overrides: [],
    };
    const shown = expandSeries(parseFeed(feed(zone, [open])), UID("trk_open"), 60);
    const dates: string[] = [];
    for (let d = firstDate; dates.length < 60; d = plusDays(d, 1))
      if (["MO", "TH"].includes(weekdayOf(d))) dates.push(d);
    expect(shown.map(readable)).toEqual(dates.map((d) => readable(confirmed(at(d, "09:00", zone), 180))));
  });
});

describe("two series in one feed", () => {
  const zone = "America/Los_Angeles";
  const first = plusDays(nextTransition(today(zone), zone), -7);
  const base = (id: string, startTime: string): FeedSeries => ({
    id,
    rrule: "FREQ=DAILY;COUNT=3",
    firstDate: first,
    startTime,
    durationMinutes: 60,
    summary: "Group session",
    excludedDates: [],
    overrides: [],
  });

  it("keeps each override with its own series, even on the same date", () => {
    const a = base("trk_a", "09:00");
    const b = base("trk_b", "09:00");
    const movedStart = at(plusDays(first, 1), "15:00", zone);
    a.overrides.push({
      id: "ses_a1",
      ruleDate: plusDays(first, 1),
      start: movedStart,
      end: movedStart + 60 * MINUTE,
      sequence: 1,
      cancelled: false,
      summary: "Group session",
    });
    const vcal = parseFeed(feed(zone, [a, b]));
    expect(expandSeries(vcal, UID("trk_a")).map((s) => s.start)).toEqual([
      at(first, "09:00", zone),
      movedStart,
      at(plusDays(first, 2), "09:00", zone),
    ]);
    expect(expandSeries(vcal, UID("trk_b")).map((s) => s.start)).toEqual(
      [0, 1, 2].map((i) => at(plusDays(first, i), "09:00", zone)),
    );
  });

  it("lets an override win over an EXDATE on the same date, and writes a date excluded twice once", () => {
    const a = base("trk_a", "09:00");
    const movedStart = at(plusDays(first, 1), "11:00", zone);
    a.excludedDates = [plusDays(first, 2), plusDays(first, 1), plusDays(first, 2)];
    a.overrides.push({
      id: "ses_a1",
      ruleDate: plusDays(first, 1),
      start: movedStart,
      end: movedStart + 60 * MINUTE,
      sequence: 3,
      cancelled: false,
      summary: "Group session",
    });
    const text = feed(zone, [a]);
    expect(text.match(/^EXDATE/gm)).toHaveLength(1);
    expect(expandSeries(parseFeed(text), UID("trk_a")).map((s) => [s.start, s.sequence])).toEqual([
      [at(first, "09:00", zone), 0],
      [movedStart, 3],
    ]);
  });

  it("keeps the override with the highest SEQUENCE when two claim one rule date", () => {
    const a = base("trk_a", "09:00");
    const older = at(plusDays(first, 1), "10:00", zone);
    const newer = at(plusDays(first, 1), "13:00", zone);
    for (const [start, sequence] of [
      [newer, 4],
      [older, 2],
    ] as const) {
      a.overrides.push({
        id: `ses_${sequence}`,
        ruleDate: plusDays(first, 1),
        start,
        end: start + 60 * MINUTE,
        sequence,
        cancelled: false,
        summary: "Group session",
      });
    }
    const vcal = parseFeed(feed(zone, [a]));
    expect(eventsOf(vcal, UID("trk_a"))).toHaveLength(2);
    expect(expandSeries(vcal, UID("trk_a"))[1]).toMatchObject({ start: newer, sequence: 4 });
  });
});

type ICALTime = { toICALString(): string };

function compact(date: string): string {
  return date.replaceAll("-", "");
}

/** Instants as ISO text, so a failure shows which one is off. */
function readable(s: Shown) {
  return { ...s, start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() };
}
