import { describe, expect, it } from "vitest";
import { Track, TrackCreate, TrackPatch } from "../../schemas/track.ts";
import { trackPattern } from "../../src/schedule/pattern.ts";

const valid = {
  name: "Evening",
  days: ["MO", "TU", "TH"],
  startTime: "18:00",
  endTime: "21:00",
  startsOn: "2026-03-01",
  facilitatorIds: ["fac_1"],
};

/** Paths of the issues zod reports, dotted; unknown keys are reported at the root with their names. */
function paths(result: ReturnType<typeof TrackCreate.safeParse>): string[] {
  if (result.success) return [];
  return result.error.issues.map((i) => i.path.join("."));
}

describe("TrackCreate", () => {
  it("accepts a days track and defaults facilitatorIds to none", () => {
    const { facilitatorIds: _, ...noFacilitators } = valid;
    const parsed = TrackCreate.parse(noFacilitators);
    expect(parsed.facilitatorIds).toEqual([]);
    expect(parsed.days).toEqual(["MO", "TU", "TH"]);
  });

  it("accepts an RRULE track with EXDATEs and holidays", () => {
    const { days: _, ...rest } = valid;
    const parsed = TrackCreate.safeParse({
      ...rest,
      rrule: "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR",
      exdates: ["EXDATE;TZID=America/Los_Angeles:20261126T180000", "2026-12-24"],
      skipDates: ["2026-12-25"],
      endsOn: "2026-12-31",
      groupCap: 15,
    });
    expect(parsed.success).toBe(true);
  });

  it.each([
    ["an unknown field", { colour: "blue" }, ""],
    ["endTime equal to startTime", { endTime: "18:00" }, "endTime"],
    ["endTime before startTime", { startTime: "21:00", endTime: "18:00" }, "endTime"],
    ["a time past midnight", { endTime: "24:00" }, "endTime"],
    ["empty days", { days: [] }, "days"],
    ["a repeated day", { days: ["MO", "MO"] }, "days"],
    ["an unknown day", { days: ["MO", "XX"] }, "days.1"],
    ["startsOn after endsOn", { startsOn: "2026-05-02", endsOn: "2026-05-01" }, "endsOn"],
    ["an impossible date", { startsOn: "2026-02-30" }, "startsOn"],
    ["both days and rrule", { rrule: "FREQ=WEEKLY;BYDAY=MO" }, "rrule"],
    ["neither days nor rrule", { days: undefined }, "days"],
    ["a cap of 0", { groupCap: 0 }, "groupCap"],
    ["a cap of 16", { groupCap: 16 }, "groupCap"],
    ["a fractional cap", { groupCap: 1.5 }, "groupCap"],
    ["a string cap", { groupCap: "12" }, "groupCap"],
    ["an e-mail as facilitator id", { facilitatorIds: ["ann@example.org"] }, "facilitatorIds.0"],
    ["a bad skip date", { skipDates: ["2026-13-01"] }, "skipDates.0"],
    ["an empty name", { name: "   " }, "name"],
    ["a name over 80 characters", { name: "x".repeat(81) }, "name"],
  ])("refuses %s, naming the field", (_label, patch, field) => {
    const result = TrackCreate.safeParse({ ...valid, ...patch });
    expect(result.success).toBe(false);
    expect(paths(result)).toContain(field);
    if (field === "" && !result.success) {
      expect(result.error.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["colour"] });
    }
  });
});

// The contract bounds RRULE and EXDATE texts; what they mean is the schedule core's to check, and
// the directory refuses a track whose pattern does not compile (400 naming the field).
describe("trackPattern refusals", () => {
  const { days: _, ...base } = valid;
  it.each([
    ["an invalid rrule", { rrule: "FREQ=YEARLY" }, "rrule"],
    ["neither days nor rrule", {}, "days"],
    [
      "an EXDATE in an unknown zone",
      { days: valid.days, exdates: ["EXDATE;TZID=Mars/Olympus:20261126T180000"] },
      "exdates.0",
    ],
    ["a garbage EXDATE", { days: valid.days, exdates: ["2026-11-26", "next thursday"] }, "exdates.1"],
  ])("refuses %s, naming the field", (_label, patch, field) => {
    const result = trackPattern({ ...base, ...(patch as object) } as Parameters<typeof trackPattern>[0]);
    expect(result).toMatchObject({ ok: false, field });
  });

  it("reports why an rrule is refused", () => {
    const result = trackPattern({ ...base, rrule: "FREQ=WEEKLY;COUNT=3;UNTIL=20261231" });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/COUNT and UNTIL/);
  });

  it("accepts the RRULE track with EXDATEs that the contract accepts", () => {
    const result = trackPattern({
      ...base,
      rrule: "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR",
      exdates: ["EXDATE;TZID=America/Los_Angeles:20261126T180000", "2026-12-24"],
    });
    expect(result).toMatchObject({ ok: true, pattern: { days: ["MO", "WE", "FR"], interval: 2 } });
  });
});

describe("TrackPatch", () => {
  it("accepts any single field, and null to remove the end date", () => {
    expect(TrackPatch.safeParse({ endTime: "20:30" }).success).toBe(true);
    expect(TrackPatch.safeParse({ endsOn: null }).success).toBe(true);
    expect(TrackPatch.safeParse({ groupCap: 8 }).success).toBe(true);
  });

  it.each([
    ["nothing", {}, ""],
    ["an unknown field", { status: "ended" }, ""],
    ["endTime not after startTime", { startTime: "10:00", endTime: "09:00" }, "endTime"],
    ["startsOn after endsOn", { startsOn: "2026-05-02", endsOn: "2026-05-01" }, "endsOn"],
    ["both days and rrule", { days: ["MO"], rrule: "FREQ=WEEKLY" }, "rrule"],
    ["empty days", { days: [] }, "days"],
    ["a cap of 16", { groupCap: 16 }, "groupCap"],
  ])("refuses %s, naming the field", (_label, body, field) => {
    const result = TrackPatch.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toContain(field);
  });
});

describe("Track", () => {
  it("round-trips a stored track and refuses a cap above 15", () => {
    const track = {
      id: "trk_0123456789abcdefghjk",
      programId: "prg_0123456789abcdefghjk",
      name: "Evening",
      days: ["MO", "TU", "TH"],
      startTime: "18:00",
      endTime: "21:00",
      startsOn: "2026-03-01",
      groupCap: 12,
      facilitatorIds: [],
      skipDates: [],
      status: "active",
      scheduledWeeklyMinutes: 540,
      createdAt: "2026-02-20T10:00:00Z",
      updatedAt: "2026-02-20T10:00:00Z",
    };
    // toMatchObject: a stored field must survive parsing; fields the schema defaults may be added.
    expect(Track.parse(track)).toMatchObject(track);
    expect(Track.safeParse({ ...track, groupCap: 16 }).success).toBe(false);
  });
});
