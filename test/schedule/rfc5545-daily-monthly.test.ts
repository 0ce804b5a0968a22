import { describe, expect, it } from "vitest";
import { expandTrack } from "../../src/schedule/expand.ts";
import { trackPattern } from "../../src/schedule/pattern.ts";
import { localTimeOf } from "../../src/schedule/zoned.ts";

// The DAILY and MONTHLY examples of RFC 5545 §3.8.5.3 (DTSTART 09:00 America/New_York), with the
// dates the RFC lists. Examples outside the supported subset (INTERVAL=18, BYSETPOS) are left out.
const NY = "America/New_York";
const everything = { from: Date.parse("1997-01-01T00:00:00Z"), to: Date.parse("2001-01-01T00:00:00Z") };

function dates(rrule: string, startsOn: string, extra: { exdates?: string[]; window?: typeof everything } = {}) {
  const built = trackPattern({ rrule, startTime: "09:00", endTime: "10:00", startsOn, exdates: extra.exdates ?? [] });
  if (!built.ok) throw new Error(built.reason);
  const list = expandTrack(built.pattern, NY, extra.window ?? everything);
  for (const o of list) expect(localTimeOf(Date.parse(o.startsAt), NY)).toBe("09:00");
  return list.map((o) => o.localDate);
}

const days = (month: string, ...ds: number[]) => ds.map((d) => `${month}-${String(d).padStart(2, "0")}`);

describe("RFC 5545 §3.8.5.3 daily examples", () => {
  it("daily for 10 occurrences", () => {
    expect(dates("FREQ=DAILY;COUNT=10", "1997-09-02")).toEqual(days("1997-09", 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
  });

  it("daily until 24 December 1997: 113 dates, the last on the 23rd", () => {
    const list = dates("FREQ=DAILY;UNTIL=19971224T000000Z", "1997-09-02");
    expect(list).toHaveLength(113);
    expect(list.at(-1)).toBe("1997-12-23");
  });

  it("every other day, without end", () => {
    const window = { from: everything.from, to: Date.parse("1997-09-13T00:00:00Z") };
    expect(dates("FREQ=DAILY;INTERVAL=2", "1997-09-02", { window })).toEqual(days("1997-09", 2, 4, 6, 8, 10, 12));
  });

  it("every 10 days, 5 occurrences", () => {
    expect(dates("FREQ=DAILY;INTERVAL=10;COUNT=5", "1997-09-02")).toEqual([
      ...days("1997-09", 2, 12, 22),
      ...days("1997-10", 2, 12),
    ]);
  });

  it("every weekday, as a program meeting Monday to Friday", () => {
    const window = { from: everything.from, to: Date.parse("1997-09-16T00:00:00Z") };
    expect(dates("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "1997-09-01", { window })).toEqual(
      days("1997-09", 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 15),
    );
  });
});

describe("RFC 5545 §3.8.5.3 monthly examples", () => {
  it("monthly on the first Friday for 10 occurrences", () => {
    expect(dates("FREQ=MONTHLY;COUNT=10;BYDAY=1FR", "1997-09-05")).toEqual([
      ...days("1997-09", 5),
      ...days("1997-10", 3),
      ...days("1997-11", 7),
      ...days("1997-12", 5),
      ...days("1998-01", 2),
      ...days("1998-02", 6),
      ...days("1998-03", 6),
      ...days("1998-04", 3),
      ...days("1998-05", 1),
      ...days("1998-06", 5),
    ]);
  });

  it("every other month on the first and last Sunday for 10 occurrences", () => {
    expect(dates("FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU", "1997-09-07")).toEqual([
      ...days("1997-09", 7, 28),
      ...days("1997-11", 2, 30),
      ...days("1998-01", 4, 25),
      ...days("1998-03", 1, 29),
      ...days("1998-05", 3, 31),
    ]);
  });

  it("monthly on the second-to-last Monday for 6 months", () => {
    expect(dates("FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", "1997-09-22")).toEqual([
      ...days("1997-09", 22),
      ...days("1997-10", 20),
      ...days("1997-11", 17),
      ...days("1997-12", 22),
      ...days("1998-01", 19),
      ...days("1998-02", 16),
    ]);
  });

  it("monthly on the third-to-the-last day of the month", () => {
    const window = { from: everything.from, to: Date.parse("1998-03-01T00:00:00Z") };
    expect(dates("FREQ=MONTHLY;BYMONTHDAY=-3", "1997-09-28", { window })).toEqual([
      ...days("1997-09", 28),
      ...days("1997-10", 29),
      ...days("1997-11", 28),
      ...days("1997-12", 29),
      ...days("1998-01", 29),
      ...days("1998-02", 26),
    ]);
  });

  it("monthly on the 2nd and 15th for 10 occurrences", () => {
    expect(dates("FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15", "1997-09-02")).toEqual(
      ["1997-09", "1997-10", "1997-11", "1997-12", "1998-01"].flatMap((m) => days(m, 2, 15)),
    );
  });

  it("monthly on the first and last day of the month for 10 occurrences", () => {
    expect(dates("FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1", "1997-09-30")).toEqual([
      ...days("1997-09", 30),
      ...days("1997-10", 1, 31),
      ...days("1997-11", 1, 30),
      ...days("1997-12", 1, 31),
      ...days("1998-01", 1, 31),
      ...days("1998-02", 1),
    ]);
  });

  it("every Tuesday, every other month", () => {
    const window = { from: everything.from, to: Date.parse("1998-02-01T00:00:00Z") };
    expect(dates("FREQ=MONTHLY;INTERVAL=2;BYDAY=TU", "1997-09-02", { window })).toEqual([
      ...days("1997-09", 2, 9, 16, 23, 30),
      ...days("1997-11", 4, 11, 18, 25),
      ...days("1998-01", 6, 13, 20, 27),
    ]);
  });

  it("every Friday the 13th, DTSTART excluded", () => {
    expect(dates("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "1997-09-02", { exdates: ["19970902T090000"] })).toEqual([
      "1998-02-13",
      "1998-03-13",
      "1998-11-13",
      "1999-08-13",
      "2000-10-13",
    ]);
  });

  it("ignores days a month does not have (15th and 30th: no 30 February)", () => {
    const window = { from: Date.parse("2007-01-01T00:00:00Z"), to: Date.parse("2008-01-01T00:00:00Z") };
    expect(dates("FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", "2007-01-15", { window })).toEqual([
      "2007-01-15",
      "2007-01-30",
      "2007-02-15",
      "2007-03-15",
      "2007-03-30",
    ]);
  });

  it("meets on startsOn's day of month without BYDAY or BYMONTHDAY, skipping months without it", () => {
    const window = { from: Date.parse("2026-01-01T00:00:00Z"), to: Date.parse("2027-01-01T00:00:00Z") };
    expect(dates("FREQ=MONTHLY;COUNT=5", "2026-01-31", { window })).toEqual([
      "2026-01-31",
      "2026-03-31",
      "2026-05-31",
      "2026-07-31",
      "2026-08-31",
    ]);
  });

  // Where ical.js 2.2.1 goes wrong (see test/schedule/ical-referee.property.test.ts); dates checked
  // day by day against RFC 5545: INTERVAL counts months from startsOn's, BYDAY limits BYMONTHDAY.
  it.each([
    [
      "every other month, Mondays that are the 1st or the last",
      "FREQ=MONTHLY;INTERVAL=2;BYDAY=MO;BYMONTHDAY=1,-1;COUNT=5",
      "2026-11-30",
      ["2026-11-30", "2027-03-01", "2027-05-31", "2027-11-01", "2028-01-31"],
    ],
    [
      "every other month from a February that has neither day",
      "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=-29,-31;COUNT=4",
      "2027-02-28",
      ["2027-04-02", "2027-06-02", "2027-08-01", "2027-08-03"],
    ],
    [
      "fifth Mondays and Wednesdays",
      "FREQ=MONTHLY;BYDAY=5MO,5WE;COUNT=4",
      "2027-02-01",
      ["2027-03-29", "2027-03-31", "2027-05-31", "2027-06-30"],
    ],
    [
      "Mondays on the 31st or the 1st, from such a Monday",
      "FREQ=MONTHLY;BYDAY=MO;BYMONTHDAY=31,1;COUNT=3",
      "2027-11-01",
      ["2027-11-01", "2028-01-31", "2028-05-01"],
    ],
  ])("%s", (_label, rrule, startsOn, want) => {
    const window = {
      from: Date.parse(`${startsOn}T00:00:00Z`),
      to: Date.parse(`${startsOn}T00:00:00Z`) + 800 * 86_400_000,
    };
    expect(dates(rrule, startsOn, { window })).toEqual(want);
  });
});
