import { describe, expect, it } from "vitest";
import { expandTrack } from "../../src/schedule/expand.ts";
import { trackPattern } from "../../src/schedule/pattern.ts";
import { localTimeOf } from "../../src/schedule/zoned.ts";

const NY = "America/New_York";
const everything = { from: Date.parse("1997-01-01T00:00:00Z"), to: Date.parse("1999-01-01T00:00:00Z") };

function expand(rrule: string, startsOn: string, window = everything) {
  const built = trackPattern({ rrule, startTime: "09:00", endTime: "10:00", startsOn });
  if (!built.ok) throw new Error(built.reason);
  return expandTrack(built.pattern, NY, window);
}

describe("RFC 5545 §3.8.5.3 examples", () => {
  it("every other week on MO, WE, FR until 24 December 1997, weeks starting Sunday: 25 dates at 09:00", () => {
    const occurrences = expand(
      "RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
      "1997-09-01",
    );
    const expected = [
      ...[1, 3, 5, 15, 17, 19, 29].map((d) => `1997-09-${String(d).padStart(2, "0")}`),
      ...[1, 3, 13, 15, 17, 27, 29, 31].map((d) => `1997-10-${String(d).padStart(2, "0")}`),
      ...[10, 12, 14, 24, 26, 28].map((d) => `1997-11-${d}`),
      ...[8, 10, 12, 22].map((d) => `1997-12-${String(d).padStart(2, "0")}`),
    ];
    expect(expected).toHaveLength(25);
    expect(occurrences.map((o) => o.localDate)).toEqual(expected);
    for (const o of occurrences) expect(localTimeOf(Date.parse(o.startsAt), NY)).toBe("09:00");
    // EDT before 26 October 1997, EST after.
    expect(occurrences[0]?.startsAt).toBe("1997-09-01T13:00:00Z");
    expect(occurrences.at(-1)?.startsAt).toBe("1997-12-22T14:00:00Z");
  });

  it("WKST changes which days an every-other-week rule reaches (TU,SU from 5 August 1997)", () => {
    const mo = expand("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", "1997-08-05");
    const su = expand("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", "1997-08-05");
    expect(mo.map((o) => o.localDate)).toEqual(["1997-08-05", "1997-08-10", "1997-08-19", "1997-08-24"]);
    expect(su.map((o) => o.localDate)).toEqual(["1997-08-05", "1997-08-17", "1997-08-19", "1997-08-31"]);
  });

  it("weekly for ten occurrences, on DTSTART's weekday when BYDAY is absent", () => {
    const dates = expand("FREQ=WEEKLY;COUNT=10", "1997-09-02").map((o) => o.localDate);
    expect(dates).toEqual([
      "1997-09-02",
      "1997-09-09",
      "1997-09-16",
      "1997-09-23",
      "1997-09-30",
      "1997-10-07",
      "1997-10-14",
      "1997-10-21",
      "1997-10-28",
      "1997-11-04",
    ]);
  });

  it("counts COUNT from the first occurrence even when the window starts later", () => {
    const late = { from: Date.parse("1997-10-15T00:00:00Z"), to: everything.to };
    expect(expand("FREQ=WEEKLY;COUNT=10", "1997-09-02", late).map((o) => o.localDate)).toEqual([
      "1997-10-21",
      "1997-10-28",
      "1997-11-04",
    ]);
  });

  it("treats UNTIL as inclusive, and a DATE UNTIL as the last local date", () => {
    const utc = expand("FREQ=WEEKLY;BYDAY=TU;UNTIL=19970916T130000Z", "1997-09-02").map((o) => o.localDate);
    expect(utc).toEqual(["1997-09-02", "1997-09-09", "1997-09-16"]);
    const date = expand("FREQ=WEEKLY;BYDAY=TU;UNTIL=19970916", "1997-09-02").map((o) => o.localDate);
    expect(date).toEqual(["1997-09-02", "1997-09-09", "1997-09-16"]);
    const early = expand("FREQ=WEEKLY;BYDAY=TU;UNTIL=19970916T125959Z", "1997-09-02").map((o) => o.localDate);
    expect(early).toEqual(["1997-09-02", "1997-09-09"]);
  });

  it("lets EXDATEs remove dates without giving COUNT back", () => {
    const built = trackPattern({
      rrule: "FREQ=WEEKLY;COUNT=4",
      exdates: ["EXDATE;TZID=America/New_York:19970909T090000"],
      startTime: "09:00",
      endTime: "10:00",
      startsOn: "1997-09-02",
    });
    if (!built.ok) throw new Error(built.reason);
    expect(expandTrack(built.pattern, NY, everything).map((o) => o.localDate)).toEqual([
      "1997-09-02",
      "1997-09-16",
      "1997-09-23",
    ]);
  });
});
