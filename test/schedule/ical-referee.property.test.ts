import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Weekday } from "../../schemas/track.ts";
import { unmetExclusion } from "../../src/schedule/exclusions.ts";
import { expandTrack } from "../../src/schedule/expand.ts";
import { trackPattern } from "../../src/schedule/pattern.ts";
import { dateOf, dayOf, expected, icalStarts, type LocalStart } from "./referee.ts";
import { DAY, happensOnce, instantOf, offsetAt, transitions, wallOf, ZONES } from "./zones.ts";

// expandTrack against ical.js (see referee.ts for why ical.js expands in floating time and Intl
// maps wall times to instants). Dates come from the real now, never a fixed day: the ranges run up
// to a year ahead of today and cross the zones' next real DST changes.
const WEEKDAYS: Weekday[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const NOW = Date.now();
const TODAY = Math.floor(NOW / DAY);
const YEAR_AHEAD = NOW + 365 * DAY;
const UPCOMING = new Map(ZONES.map((z) => [z, transitions(z, NOW, YEAR_AHEAD)]));

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const ymd = (date: string) => date.replaceAll("-", "");
const compact = (date: string, time: string) => `${ymd(date)}T${time.replaceAll(":", "")}`;
const utcStamp = (instant: number) =>
  `${compact(...(new Date(instant).toISOString().slice(0, 19).split("T") as [string, string]))}Z`;

// Start minutes biased toward the hours where zones change their clocks.
const startMinute = fc.oneof(
  fc.constantFrom(0, 15, 30, 60, 90, 120, 135, 150, 170, 1380, 1410),
  fc.integer({ min: 0, max: 23 * 60 + 58 }),
);
const plainDays = fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 7 });
const ordinal = fc.constantFrom(1, 2, 3, 4, 5, -1, -2, -5);
const nthDays = fc.uniqueArray(
  fc.tuple(fc.option(ordinal, { nil: undefined }), fc.constantFrom(...WEEKDAYS)).map(([n, d]) => `${n ?? ""}${d}`),
  { minLength: 1, maxLength: 3 },
);
const monthDays = fc.uniqueArray(
  fc.oneof(
    fc.constantFrom(1, 15, 28, 29, 30, 31, -1, -2, -29, -30, -31),
    fc.integer({ min: -31, max: 31 }).filter((n) => n !== 0),
  ),
  { minLength: 1, maxLength: 4 },
);

/** The rule's FREQ, INTERVAL and BY-parts, as RRULE text shared by the product and ical.js. */
const arbRule = fc.oneof(
  fc
    .record({ interval: fc.constantFrom(1, 1, 2, 3, 5, 7, 10), byDay: fc.option(plainDays, { nil: undefined }) })
    .map((r) => ({ freq: "DAILY" as const, ...r, text: `FREQ=DAILY;INTERVAL=${r.interval}${byDay(r.byDay)}` })),
  fc
    .record({
      interval: fc.constantFrom(1, 1, 2, 3),
      byDay: fc.option(plainDays, { nil: undefined }),
      weekStart: fc.constantFrom(...WEEKDAYS),
    })
    .map((r) => ({
      freq: "WEEKLY" as const,
      ...r,
      text: `FREQ=WEEKLY;INTERVAL=${r.interval};WKST=${r.weekStart}${byDay(r.byDay)}`,
    })),
  // Monthly rules meet least often: drawn twice as often so that as many reach a window.
  {
    weight: 2,
    arbitrary: fc
      .record({
        interval: fc.constantFrom(1, 1, 2, 3, 6),
        parts: fc.oneof(
          nthDays.map((d) => ({ byDay: byDay(d), byMonthDay: "" })),
          monthDays.map((d) => ({ byDay: "", byMonthDay: byMonthDay(d) })),
          fc.tuple(plainDays, monthDays).map(([w, d]) => ({ byDay: byDay(w), byMonthDay: byMonthDay(d) })),
          fc.tuple(nthDays, monthDays).map(([w, d]) => ({ byDay: byDay(w), byMonthDay: byMonthDay(d) })),
          fc.constant({ byDay: "", byMonthDay: "" }),
        ),
      })
      .map((r) => ({
        freq: "MONTHLY" as const,
        base: `FREQ=MONTHLY;INTERVAL=${r.interval}`,
        ...r.parts,
        text: `FREQ=MONTHLY;INTERVAL=${r.interval}${r.parts.byDay}${r.parts.byMonthDay}`,
      })),
  },
);

function byDay(days: readonly string[] | undefined): string {
  return days ? `;BYDAY=${days.join(",")}` : "";
}

function byMonthDay(days: readonly number[]): string {
  return `;BYMONTHDAY=${days.join(",")}`;
}

/** How the rule ends: COUNT, or UNTIL as a DATE, a floating local time, or a UTC instant. */
const arbEnd = fc.oneof(
  fc.constant({ type: "none" as const }),
  fc.record({ type: fc.constant("count" as const), count: fc.integer({ min: 1, max: 400 }) }),
  fc.record({
    type: fc.constantFrom("date" as const, "floating" as const, "utc" as const),
    days: fc.integer({ min: 0, max: 700 }),
    // "start" puts UNTIL on the start time itself: UNTIL is inclusive.
    at: fc.constantFrom("start", "start", "12:00:00", "23:59:59", "06:07:08"),
  }),
);

/** Exclusions: occurrences ical.js gives (by index) or any day near the span, in every input form. */
const FORMS = ["skip", "date", "floating", "tzid", "utc", "list"] as const;
const arbExclusions = fc.record({
  picks: fc.array(fc.record({ pick: fc.nat(), form: fc.constantFrom(...FORMS) }), { maxLength: 5 }),
  strays: fc.array(fc.record({ at: fc.nat(), form: fc.constantFrom(...FORMS) }), { maxLength: 2 }),
});

/** A range up to a year ahead of now, or one around one of the zone's next real DST changes. */
const arbWindow = fc.oneof(
  fc.record({
    kind: fc.constant("ahead" as const),
    from: fc.integer({ min: 0, max: 365 * DAY }),
    span: fc.oneof(fc.integer({ min: 0, max: 60 * DAY }), fc.integer({ min: 0, max: 365 * DAY })),
  }),
  fc.record({
    kind: fc.constant("dst" as const),
    which: fc.nat(),
    before: fc.integer({ min: 0, max: 20 * DAY }),
    after: fc.integer({ min: 1, max: 20 * DAY }),
  }),
);

const arbCase = fc.record({
  timeZone: fc.constantFrom(...ZONES),
  rule: arbRule,
  end: arbEnd,
  start: startMinute,
  length: fc.integer({ min: 1, max: 6 * 60 }),
  // Days from the window's first day: mostly before it, so COUNT and UNTIL reach into it.
  startsOn: fc.integer({ min: -400, max: 20 }),
  endsAfter: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
  exclusions: arbExclusions,
  window: arbWindow,
  otherZone: fc.constantFrom(...ZONES),
});

type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

function windowOf(c: Case): { from: number; to: number } {
  const w = c.window;
  if (w.kind === "ahead") return { from: NOW + w.from, to: Math.min(NOW + w.from + w.span, YEAR_AHEAD) };
  const changes = UPCOMING.get(c.timeZone) ?? [];
  const at = changes[w.which % Math.max(changes.length, 1)] ?? NOW + (w.which % 365) * DAY;
  return { from: at - w.before, to: at + w.after };
}

/** The UNTIL part for the product and for ical.js, which needs a floating UNTIL for a floating DTSTART. */
function untilParts(c: Case, startsOn: number, startTime: string): { product: string; ical: string } {
  const end = c.end;
  if (end.type === "none") return { product: "", ical: "" };
  if (end.type === "count") return { product: `;COUNT=${end.count}`, ical: `;COUNT=${end.count}` };
  const date = dateOf(startsOn + end.days);
  const time = end.at === "start" ? `${startTime}:00` : end.at;
  switch (end.type) {
    case "date":
      // A DATE UNTIL ends the product's rule on that local date; ical.js reads it as its midnight.
      return { product: `;UNTIL=${ymd(date)}`, ical: `;UNTIL=${compact(date, "23:59:59")}` };
    case "floating":
      return { product: `;UNTIL=${compact(date, time)}`, ical: `;UNTIL=${compact(date, time)}` };
    case "utc": {
      // An instant whose wall time happens once that day, so "starts by UNTIL" reads the same in both.
      const wall = happensOnce(date, time, c.timeZone) ? time : "12:00:00";
      return {
        product: `;UNTIL=${utcStamp(instantOf(date, wall, c.timeZone))}`,
        ical: `;UNTIL=${compact(date, wall)}`,
      };
    }
  }
}

/** One exclusion entry in the input form `form`; every form names the program-local dates. */
function exclusionText(form: Exclude<(typeof FORMS)[number], "skip">, dates: string[], c: Case): string {
  const [date = ""] = dates;
  const noon = instantOf(date, "12:00", c.timeZone);
  switch (form) {
    case "date":
      return date;
    case "floating":
      // Any time of the day removes that day's session, not only the start time.
      return `EXDATE:${compact(date, "07:45:00")}`;
    case "tzid": {
      const there = wallOf(noon, c.otherZone);
      return `EXDATE;TZID=${c.otherZone}:${compact(there.date, there.time)}`;
    }
    case "utc":
      return `EXDATE:${utcStamp(noon)}`;
    case "list":
      return `EXDATE;VALUE=DATE:${dates.map(ymd).join(",")}`;
  }
}

/**
 * The local starts the referee gives for the case. ical.js 2.2.1 is wrong for some monthly rules
 * with more than one BYDAY or BYMONTHDAY value (found by this test): from Monday 1 November 2027,
 * BYDAY=MO;BYMONTHDAY=31,1 skips that day; from 1 February 2027, BYDAY=5MO,5WE gives 3 March
 * first; every other month from February, BYMONTHDAY=-29,-31 meets in March (February has neither
 * day, so ical.js moves to March and counts INTERVAL from there); BYDAY=1MO;BYMONTHDAY=2,8,9,15
 * throws. Its one-value expansions agree with a day-by-day count, so for such rules the referee
 * takes RFC 5545's definition: a list selects the days any of its values selects, and BYMONTHDAY
 * limits BYDAY. It joins ical.js's one-value expansions and applies COUNT, UNTIL and EXDATEs itself.
 */
function refereeStarts(
  rule: Case["rule"],
  event: { startsOn: string; startTime: string },
  end: string,
  exdates: readonly LocalStart[],
  lastDate: string,
): LocalStart[] {
  const values = (part: string) => (part === "" ? [] : (part.split("=")[1] ?? "").split(","));
  const byDay = rule.freq === "MONTHLY" ? values(rule.byDay) : [];
  const byMonthDay = rule.freq === "MONTHLY" ? values(rule.byMonthDay) : [];
  if (rule.freq !== "MONTHLY" || byDay.length + byMonthDay.length <= 1) {
    return icalStarts({ ...event, rrule: rule.text + end, exdates }, lastDate);
  }
  const union = (part: string, list: string[]) =>
    new Map(
      list
        .flatMap((v) => icalStarts({ ...event, rrule: `${rule.base};${part}=${v}`, exdates: [] }, lastDate))
        .map((s) => [s.date, s]),
    );
  const days = byDay.length ? union("BYDAY", byDay) : union("BYMONTHDAY", byMonthDay);
  const limit = byDay.length && byMonthDay.length ? union("BYMONTHDAY", byMonthDay) : days;
  let list = [...days.values()].filter((s) => limit.has(s.date)).sort((x, y) => (x.date < y.date ? -1 : 1));
  const count = /COUNT=(\d+)/.exec(end)?.[1];
  const until = /UNTIL=(\w+)/.exec(end)?.[1];
  if (count !== undefined) list = list.slice(0, Number(count));
  if (until !== undefined) list = list.filter((s) => compact(s.date, s.time) <= until);
  const gone = new Set(exdates.map((e) => e.date));
  return list.filter((s) => !gone.has(s.date));
}

function run(c: Case) {
  const startTime = hhmm(c.start);
  const endTime = hhmm(Math.min(c.start + c.length, 23 * 60 + 59));
  if (endTime <= startTime) return;
  const window = windowOf(c);
  let startsOn = Math.floor(window.from / DAY) + c.startsOn;
  // RFC 5545 leaves a DTSTART the rule does not select undefined, and ical.js counts it for DAILY
  // rules only; start such a rule on a day it meets.
  if (c.rule.freq === "DAILY" && c.rule.byDay) {
    const days = c.rule.byDay;
    while (!days.includes(WEEKDAYS[(new Date(startsOn * DAY).getUTCDay() + 6) % 7] as Weekday)) startsOn += 1;
  }
  const until = untilParts(c, startsOn, startTime);
  const fields = {
    rrule: c.rule.text + until.product,
    startTime,
    endTime,
    startsOn: dateOf(startsOn),
    ...(c.endsAfter !== undefined && { endsOn: dateOf(startsOn + c.endsAfter) }),
  };
  const plain = trackPattern(fields);
  if (!plain.ok) {
    // The only rules refused here are those that never meet, which ical.js would search forever.
    expect(plain.reason).toMatch(/never meets/);
    return;
  }
  let lastDay = dayOf(wallOf(window.to, c.timeZone).date) + 2;
  if (fields.endsOn !== undefined) lastDay = Math.min(lastDay, dayOf(fields.endsOn));
  const lastDate = dateOf(lastDay);
  const ical = { startsOn: fields.startsOn, startTime: `${startTime}:00` };
  const met = refereeStarts(c.rule, ical, until.ical, [], lastDate);
  const metDates = new Set(met.map((s) => s.date));

  // Exclusions: some on occurrences, some strays from before startsOn to the end of the range.
  const skipDates: string[] = [];
  const exdates: string[] = [];
  const entries: { field: string; dates: string[] }[] = [];
  const add = (form: (typeof FORMS)[number], dates: string[]) => {
    if (form === "skip") {
      entries.push({ field: `skipDates.${skipDates.length}`, dates });
      skipDates.push(...dates);
    } else {
      entries.push({ field: `exdates.${exdates.length}`, dates });
      exdates.push(exclusionText(form, dates, c));
    }
  };
  for (const { pick, form } of c.exclusions.picks) {
    const one = met[pick % Math.max(met.length, 1)]?.date;
    const two = met[(pick + 1) % Math.max(met.length, 1)]?.date;
    if (one === undefined || two === undefined) continue;
    add(form, form === "list" ? [...new Set([one, two])] : [one]);
  }
  // Strays stay within what ical.js expanded, from ten days before startsOn.
  const strayFrom = startsOn - 10;
  for (const { at, form } of lastDay < strayFrom ? [] : c.exclusions.strays) {
    add(form, [dateOf(strayFrom + (at % (lastDay - strayFrom + 1)))]);
  }
  const excludedDates = entries.flatMap((e) => e.dates);

  const built = trackPattern({ ...fields, skipDates, exdates });
  if (!built.ok) throw new Error(`${built.field}: ${built.reason}`);
  // An EXDATE on a day the rule does not meet removes nothing, and a repeated one nothing more, so
  // ical.js is given each excluded occurrence once: in ical.js 2.2.1 an EXDATE on an unselected
  // DTSTART, or a repeated one, stalls its EXDATE list and lets the later ones through.
  const onOccurrences = [...new Set(excludedDates)].filter((date) => metDates.has(date));
  const excludedStarts = onOccurrences.map((date) => ({ date, time: ical.startTime }));
  const starts = refereeStarts(c.rule, ical, until.ical, excludedStarts, lastDate);
  expect(expandTrack(built.pattern, c.timeZone, window)).toEqual(expected(starts, fields, c.timeZone, window));

  // The first exclusion on a date ical.js never reaches is the one the directory must refuse.
  let firstUnmet: { field: string; date: string } | null = null;
  // Skip dates are checked first, then EXDATE entries, each in input order.
  const inOrder = [
    ...entries.filter((e) => e.field.startsWith("skip")),
    ...entries.filter((e) => e.field.startsWith("ex")),
  ];
  for (const e of inOrder) {
    const date = e.dates.find((d) => !metDates.has(d));
    if (date !== undefined) {
      firstUnmet = { field: e.field, date };
      break;
    }
  }
  expect(unmetExclusion(built.pattern, c.timeZone)).toEqual(firstUnmet);
}

describe("expandTrack against ical.js and Intl", () => {
  it("gives exactly the occurrences ical.js computes, for daily, weekly and monthly rules in real zones", () => {
    fc.assert(fc.property(arbCase, run), { numRuns: 400 });
  });

  it("agrees across the next real DST changes of Los Angeles, Sydney, Lord Howe and Santiago", () => {
    // One-value monthly rules only: see refereeStarts. Los Angeles changes on a first Sunday.
    const rules = ["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=SU,SA", "FREQ=MONTHLY;BYDAY=1SU", "FREQ=MONTHLY;BYDAY=-1SU"];
    for (const timeZone of ["America/Los_Angeles", "Australia/Sydney", "Australia/Lord_Howe", "America/Santiago"]) {
      const changes = UPCOMING.get(timeZone) ?? [];
      // Each of these zones changes its clocks twice a year (Lord Howe by half an hour).
      expect(changes.length, timeZone).toBeGreaterThanOrEqual(2);
      for (const at of changes) {
        const window = { from: at - 15 * DAY, to: at + 15 * DAY };
        const lastDate = dateOf(dayOf(wallOf(window.to, timeZone).date) + 2);
        // Start times before, inside and after the changed hour, midnight for Santiago's.
        for (const startTime of ["00:15", "00:30", "01:45", "02:00", "02:15", "02:30", "03:00", "09:00", "23:30"]) {
          const [h = 0, m = 0] = startTime.split(":").map(Number);
          const endTime = hhmm(Math.min(h * 60 + m + 120, 23 * 60 + 59));
          for (const rrule of rules) {
            const fields = { rrule, startTime, endTime, startsOn: dateOf(TODAY - 60) };
            const built = trackPattern(fields);
            if (!built.ok) throw new Error(built.reason);
            const starts = icalStarts({ ...fields, startTime: `${startTime}:00`, exdates: [] }, lastDate);
            const list = expandTrack(built.pattern, timeZone, window);
            expect(list).toEqual(expected(starts, fields, timeZone, window));
            if (rrule === "FREQ=DAILY") {
              // The range really crosses the change: the daily sessions sit at two UTC offsets.
              expect(new Set(list.map((o) => offsetAt(Date.parse(o.startsAt), timeZone))).size).toBe(2);
            }
          }
        }
      }
    }
  });
});
