import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { type FeedInput, type FeedOccurrence, renderFeed } from "../../src/calendar-feed/ics.ts";
import { futureMonday, plusDays, zoned } from "../dates.ts";
import { eventsOf, logicalLines, parseFeed, physicalLines, single } from "./read-feed.ts";

/** The feed as a whole: calendar properties, wire format, stand-alone sessions, and refusals. */

const LA = "America/Los_Angeles";
const HOUR = 3_600_000;
const now = Date.now();
const monday = futureMonday();
const at = (date: string, time: string, zone = LA) => Date.parse(zoned(date, time, zone));

function session(id: string, start: number, extra: Partial<FeedOccurrence> = {}): FeedOccurrence {
  return { id, start, end: start + HOUR, sequence: 0, cancelled: false, summary: "Individual session", ...extra };
}

function input(extra: Partial<FeedInput> = {}): FeedInput {
  return {
    name: "Sessions",
    timezone: LA,
    now,
    series: [
      {
        id: "trk_m",
        rrule: "FREQ=WEEKLY;BYDAY=MO,WE,TH",
        firstDate: monday,
        startTime: "09:00",
        durationMinutes: 180,
        summary: "Group session",
        url: "https://video.example/j/trk_m",
        excludedDates: [plusDays(monday, 2)],
        overrides: [],
      },
    ],
    occurrences: [session("ses_1", at(monday, "14:00")), session("ses_2", at(plusDays(monday, 1), "14:00"))],
    ...extra,
  };
}

describe("the VCALENDAR", () => {
  const vcal = parseFeed(renderFeed(input()));

  it("carries VERSION, PRODID, CALSCALE, the name and the RFC 7986 refresh hints", () => {
    expect(vcal.name).toBe("vcalendar");
    expect(vcal.getFirstPropertyValue("version")).toBe("2.0");
    expect(String(vcal.getFirstPropertyValue("prodid"))).toMatch(/^-\/\/iop-orchestrator\/\//);
    expect(vcal.getFirstPropertyValue("calscale")).toBe("GREGORIAN");
    expect(vcal.getFirstPropertyValue("x-wr-calname")).toBe("Sessions");
    // ical.js knows neither RFC 7986 property; it takes the value type from VALUE=.
    const refresh = vcal.getFirstProperty("refresh-interval");
    expect(refresh?.type).toBe("duration");
    expect(String(refresh?.getFirstValue())).toBe("PT1H");
    expect(String(vcal.getFirstPropertyValue("x-published-ttl"))).toBe("PT1H");
    // Readers that honour X-WR-TIMEZONE re-read UTC times as its wall time, losing which of a repeated hour's instants.
    expect(vcal.hasProperty("x-wr-timezone")).toBe(false);
  });

  it("stamps every event with now, in UTC to the second", () => {
    const stamp = new Date(Math.floor(now / 1000) * 1000).toISOString().replace(/[-:]|\.000/g, "");
    const events = vcal.getAllSubcomponents("vevent");
    expect(events.length).toBe(3);
    for (const e of events) expect(e.getFirstProperty("dtstamp")?.toICALString()).toBe(`DTSTAMP:${stamp}`);
  });
});

describe("wire format", () => {
  const long = `Group session; a, b \\ c\nsecond line — ${"ünïcødé 漢字 😀 ".repeat(12)}`;
  const text = renderFeed(
    input({
      name: `Sessions; mine, all \\ of them\nsecond line ${"é".repeat(60)}`,
      occurrences: [session("ses_long", at(monday, "14:00"), { summary: long })],
    }),
  );

  it("ends every line with CRLF, and has no bare CR or LF", () => {
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/);
  });

  it("folds every physical line to at most 75 octets, never cutting a UTF-8 character", () => {
    const bytes = new TextEncoder().encode(text);
    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
    let start = 0;
    let longest = 0;
    for (let i = 0; i < bytes.length - 1; i++) {
      if (bytes[i] !== 0x0d || bytes[i + 1] !== 0x0a) continue;
      const line = bytes.subarray(start, i);
      longest = Math.max(longest, line.length);
      expect(() => decoder.decode(line)).not.toThrow();
      start = i + 2;
    }
    expect(longest).toBe(75);
    expect(physicalLines(text).filter((l) => l.startsWith(" ")).length).toBeGreaterThan(5);
  });

  it("unfolds and unescapes back to the original text", () => {
    expect(single(parseFeed(text), "ses_long@iop-orchestrator").summary).toBe(long);
    // ical.js leaves X- values as written; the escaped form is what clients unescape as TEXT.
    const unfolded = logicalLines(text).find((l) => l.startsWith("X-WR-CALNAME:"));
    expect(unfolded).toBe(`X-WR-CALNAME:Sessions\\; mine\\, all \\\\ of them\\nsecond line ${"é".repeat(60)}`);
  });

  it("writes the same bytes whatever the order of the input", () => {
    const a = input({
      occurrences: [
        session("ses_b", at(monday, "14:00")),
        session("ses_a", at(monday, "14:00")),
        session("ses_c", now),
      ],
    });
    const b: FeedInput = { ...a, occurrences: [...a.occurrences].reverse(), series: [...a.series].reverse() };
    expect(renderFeed(b)).toBe(renderFeed(a));
    const uids = parseFeed(renderFeed(a))
      .getAllSubcomponents("vevent")
      .map((e) => e.getFirstPropertyValue("uid"));
    expect(uids).toEqual([
      "trk_m@iop-orchestrator",
      "ses_c@iop-orchestrator",
      "ses_a@iop-orchestrator",
      "ses_b@iop-orchestrator",
    ]);
  });

  it("grows by the same number of bytes for each further session, with one VTIMEZONE", () => {
    const sized = (n: number) =>
      renderFeed(
        input({
          series: [],
          occurrences: Array.from({ length: n }, (_, i) =>
            session(`ses_${String(i).padStart(5, "0")}`, at(monday, "14:00")),
          ),
        }),
      );
    const [none, some, twice] = [sized(0), sized(500), sized(1000)];
    expect(twice.length - some.length).toBe(some.length - none.length);
    expect(twice.match(/BEGIN:VTIMEZONE/g)).toHaveLength(1);
  });
});

describe("stand-alone sessions around the next offset change", () => {
  for (const zone of ["America/Los_Angeles", "Australia/Sydney", "Australia/Lord_Howe"]) {
    const change = Temporal.Now.zonedDateTimeISO(zone).getTimeZoneTransition("next");
    if (!change) throw new Error(`${zone} has no next change`);
    const t = change.epochMilliseconds;
    // Either side of the change, inside a repeated or skipped hour where there is one, and a day later.
    const starts = [t - 45 * 60_000, t - 15 * 60_000, t, t + 15 * 60_000, t + 45 * 60_000, t + 24 * HOUR];
    const occurrences = starts.map((s, i) => session(`ses_${i}`, s, { sequence: i, cancelled: i === 2 }));
    const text = renderFeed({ name: "Sessions", timezone: zone, now, series: [], occurrences });
    const vcal = parseFeed(text);

    it(`${zone}: ical.js shows each at its instant, with its SEQUENCE and STATUS`, () => {
      for (const [i, s] of starts.entries()) {
        expect(single(vcal, `ses_${i}@iop-orchestrator`)).toEqual({
          start: s,
          end: s + HOUR,
          sequence: i,
          status: i === 2 ? "CANCELLED" : "CONFIRMED",
          summary: "Individual session",
          url: null,
        });
      }
    });

    it(`${zone}: local time with TZID, except a repeated wall time, written in UTC`, () => {
      let repeated = 0;
      for (const [i, s] of starts.entries()) {
        const wall = Temporal.Instant.fromEpochMilliseconds(s).toZonedDateTimeISO(zone).toPlainDateTime();
        const twice =
          wall.toZonedDateTime(zone, { disambiguation: "earlier" }).epochMilliseconds !==
          wall.toZonedDateTime(zone, { disambiguation: "later" }).epochMilliseconds;
        const dtstart = eventsOf(vcal, `ses_${i}@iop-orchestrator`)[0]?.getFirstProperty("dtstart")?.toICALString();
        if (twice) {
          repeated++;
          expect(dtstart).toBe(`DTSTART:${new Date(s).toISOString().replace(/[-:]|\.000/g, "")}`);
        } else {
          expect(dtstart).toBe(`DTSTART;TZID=${zone}:${wall.toString().replace(/[-:]/g, "")}`);
        }
      }
      // When clocks go back by d, the starts within d either side of the change repeat; going forward, none does.
      const back = Math.max(0, (offsetBefore(change, zone) - change.offsetNanoseconds) / 1e6);
      expect(repeated).toBe(starts.filter((s) => s >= t - back && s < t + back).length);
    });
  }
});

describe("join links", () => {
  const link = (url: string) =>
    parseFeed(renderFeed(input({ series: [], occurrences: [session("ses_u", now, { url })] }))).getAllSubcomponents(
      "vevent",
    )[0];

  it("writes an https link as given", () => {
    expect(link("https://video.example/j/ses_u?t=abc")?.getFirstPropertyValue("url")).toBe(
      "https://video.example/j/ses_u?t=abc",
    );
  });

  it("drops a non-web scheme, and a line break cannot start a property of its own", () => {
    expect(link("javascript:alert(1)")?.hasProperty("url")).toBe(false);
    const injected = link("https://video.example/j\r\nATTENDEE:mailto:someone@example.com");
    expect(injected?.hasProperty("attendee")).toBe(false);
    expect(String(injected?.getFirstPropertyValue("url"))).toMatch(/^https:\/\/video\.example\//);
  });
});

describe("refusals", () => {
  const series = input().series[0];
  if (!series) throw new Error("fixture");

  it.each([
    ["an unknown zone", input({ timezone: "Mars/Olympus_Mons" })],
    ["a zone name with a line break", input({ timezone: "UTC\r\nX" })],
    ["a malformed first date", input({ series: [{ ...series, firstDate: "next monday" }] })],
    ["a date that does not exist", input({ series: [{ ...series, excludedDates: [`${monday.slice(0, 5)}02-30`] }] })],
    ["an RRULE with a line break", input({ series: [{ ...series, rrule: "FREQ=WEEKLY\r\nATTENDEE:x" }] })],
    ["a zero duration", input({ series: [{ ...series, durationMinutes: 0 }] })],
    ["an end before the start", input({ occurrences: [session("ses_x", now, { end: now - HOUR })] })],
    ["a negative SEQUENCE", input({ occurrences: [session("ses_x", now, { sequence: -1 })] })],
  ])("refuses %s with a RangeError", (_, bad) => {
    expect(() => renderFeed(bad)).toThrow(RangeError);
  });
});

function offsetBefore(change: Temporal.ZonedDateTime, zone: string): number {
  return change.toInstant().subtract({ seconds: 1 }).toZonedDateTimeISO(zone).offsetNanoseconds;
}
