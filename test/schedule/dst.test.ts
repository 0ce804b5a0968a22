import { describe, expect, it } from "vitest";
import { expandTrack, occurrenceKey } from "../../src/schedule/expand.ts";
import { trackPattern } from "../../src/schedule/pattern.ts";
import { localTimeOf } from "../../src/schedule/zoned.ts";

const LA = "America/Los_Angeles";
const all = { from: Date.parse("2026-01-01T00:00:00Z"), to: Date.parse("2027-01-01T00:00:00Z") };

function evening(extra: { skipDates?: string[]; exdates?: string[]; endsOn?: string } = {}) {
  const built = trackPattern({
    days: ["MO", "TU", "TH"],
    startTime: "18:00",
    endTime: "21:00",
    startsOn: "2026-03-01",
    ...extra,
  });
  if (!built.ok) throw new Error(built.reason);
  return built.pattern;
}

describe("Los Angeles evening track MO/TU/TH 18:00–21:00 across DST", () => {
  const occurrences = expandTrack(evening(), LA, all);

  it("keeps every occurrence at 18:00–21:00 local on MO, TU and TH", () => {
    // 43 full weeks from 2026-03-02, then 28 and 29 December; the 31st starts after the window ends
    // (2027-01-01T00:00Z is 16:00 on 31 December in Los Angeles).
    expect(occurrences.length).toBe(131);
    expect(occurrences.at(-1)?.localDate).toBe("2026-12-29");
    for (const o of occurrences) {
      expect(localTimeOf(Date.parse(o.startsAt), LA)).toBe("18:00");
      expect(localTimeOf(Date.parse(o.endsAt), LA)).toBe("21:00");
      expect(new Date(`${o.localDate}T12:00:00Z`).getUTCDay()).toSatisfy((d: number) => [1, 2, 4].includes(d));
    }
    expect(occurrences[0]?.localDate).toBe("2026-03-02");
  });

  it("moves the UTC instants an hour earlier exactly at the spring-forward of 2026-03-08", () => {
    const around = occurrences.filter((o) => o.localDate >= "2026-03-02" && o.localDate <= "2026-03-12");
    expect(around).toEqual([
      { localDate: "2026-03-02", startsAt: "2026-03-03T02:00:00Z", endsAt: "2026-03-03T05:00:00Z" },
      { localDate: "2026-03-03", startsAt: "2026-03-04T02:00:00Z", endsAt: "2026-03-04T05:00:00Z" },
      { localDate: "2026-03-05", startsAt: "2026-03-06T02:00:00Z", endsAt: "2026-03-06T05:00:00Z" },
      { localDate: "2026-03-09", startsAt: "2026-03-10T01:00:00Z", endsAt: "2026-03-10T04:00:00Z" },
      { localDate: "2026-03-10", startsAt: "2026-03-11T01:00:00Z", endsAt: "2026-03-11T04:00:00Z" },
      { localDate: "2026-03-12", startsAt: "2026-03-13T01:00:00Z", endsAt: "2026-03-13T04:00:00Z" },
    ]);
  });

  it("moves them back an hour later exactly at the fall-back of 2026-11-01", () => {
    const around = occurrences.filter((o) => o.localDate >= "2026-10-26" && o.localDate <= "2026-11-05");
    expect(around).toEqual([
      { localDate: "2026-10-26", startsAt: "2026-10-27T01:00:00Z", endsAt: "2026-10-27T04:00:00Z" },
      { localDate: "2026-10-27", startsAt: "2026-10-28T01:00:00Z", endsAt: "2026-10-28T04:00:00Z" },
      { localDate: "2026-10-29", startsAt: "2026-10-30T01:00:00Z", endsAt: "2026-10-30T04:00:00Z" },
      { localDate: "2026-11-02", startsAt: "2026-11-03T02:00:00Z", endsAt: "2026-11-03T05:00:00Z" },
      { localDate: "2026-11-03", startsAt: "2026-11-04T02:00:00Z", endsAt: "2026-11-04T05:00:00Z" },
      { localDate: "2026-11-05", startsAt: "2026-11-06T02:00:00Z", endsAt: "2026-11-06T05:00:00Z" },
    ]);
  });

  it("leaves out holidays and EXDATEs, whatever form the EXDATE takes", () => {
    const pattern = evening({
      skipDates: ["2026-11-26"],
      exdates: [
        "EXDATE:20261124T020000Z",
        "EXDATE;TZID=America/New_York:20261201T210000",
        "EXDATE;VALUE=DATE:20261203",
      ],
    });
    const dates = expandTrack(pattern, LA, all).map((o) => o.localDate);
    // 2026-11-24T02:00Z is the evening of Monday 23 November in Los Angeles.
    for (const gone of ["2026-11-23", "2026-11-26", "2026-12-01", "2026-12-03"]) expect(dates).not.toContain(gone);
    expect(dates).toContain("2026-11-24");
    expect(dates).toContain("2026-11-30");
  });

  it("stops at endsOn, inclusive", () => {
    const dates = expandTrack(evening({ endsOn: "2026-03-09" }), LA, all).map((o) => o.localDate);
    expect(dates).toEqual(["2026-03-02", "2026-03-03", "2026-03-05", "2026-03-09"]);
  });

  it("keys each track date stably, so materializing twice finds the same rows", () => {
    expect(occurrenceKey("trk_abc", "2026-03-09")).toBe(occurrenceKey("trk_abc", "2026-03-09"));
    expect(occurrenceKey("trk_abc", "2026-03-09")).not.toBe(occurrenceKey("trk_abc", "2026-03-10"));
    expect(occurrenceKey("trk_abc", "2026-03-09")).not.toBe(occurrenceKey("trk_abd", "2026-03-09"));
  });
});

describe("wall times that do not exist or exist twice", () => {
  const window = { from: Date.parse("2026-03-01T00:00:00Z"), to: Date.parse("2026-11-30T00:00:00Z") };
  const sunday = (startTime: string, endTime: string) => {
    const built = trackPattern({ days: ["SU"], startTime, endTime, startsOn: "2026-03-08", endsOn: "2026-11-01" });
    if (!built.ok) throw new Error(built.reason);
    return expandTrack(built.pattern, LA, window);
  };

  it("moves a start skipped by spring-forward later by the gap (02:30 → 03:30 PDT)", () => {
    expect(sunday("02:30", "04:00")[0]).toEqual({
      localDate: "2026-03-08",
      startsAt: "2026-03-08T10:30:00Z",
      endsAt: "2026-03-08T11:00:00Z",
    });
  });

  it("never makes an occurrence empty or reversed when only the start is skipped", () => {
    const first = sunday("02:30", "03:00")[0];
    expect(first?.startsAt).toBe("2026-03-08T10:30:00Z");
    expect(first?.endsAt).toBe("2026-03-08T11:00:00Z");
  });

  it("takes the earlier of two 01:30s on the fall-back day", () => {
    const last = sunday("01:30", "02:30").at(-1);
    expect(last).toEqual({ localDate: "2026-11-01", startsAt: "2026-11-01T08:30:00Z", endsAt: "2026-11-01T10:30:00Z" });
  });
});
