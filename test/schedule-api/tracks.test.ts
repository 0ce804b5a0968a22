import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { futureMonday, LA, nextTransition, plusDays, zoned } from "../dates.ts";
import { createProgram, harness } from "../helpers.ts";

/** The Monday of the fixtures' first week: ahead of the real now, no offset change near it. */
const MONDAY = futureMonday();
/** The Tuesday the tracks start on, and the injected clock's day (05:00 local). */
const START_DAY = plusDays(MONDAY, 1);
/** The week after it: the first whole week of sessions. */
const NEXT_MONDAY = plusDays(MONDAY, 7);

/**
 * The next two offset changes in Los Angeles after the fixtures' week, one each way (the US
 * moves its clocks in March and November), named by their month.
 */
const FIRST_CHANGE = nextTransition(MONDAY);
const CHANGES = [FIRST_CHANGE, nextTransition(plusDays(FIRST_CHANGE, 1))].map((date) => ({
  date,
  month: new Intl.DateTimeFormat("en-US", { month: "long", timeZone: "UTC" }).format(Date.parse(`${date}T12:00:00Z`)),
}));

const wallFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: LA,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
});
/** Local date and wall time of an instant in Los Angeles, by Intl: independent of the product's conversions. */
function wall(instant: number): { date: string; time: string } {
  const p = Object.fromEntries(wallFormat.formatToParts(instant).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}
/** Los Angeles' UTC offset in minutes at an instant (whole minutes), from its Intl wall time. */
function offsetMinutes(instant: number): number {
  const { date, time } = wall(instant);
  return (Date.parse(`${date}T${time}:00Z`) - Math.floor(instant / 60_000) * 60_000) / 60_000;
}
/** The instant of a local wall time at a given UTC offset, by arithmetic alone. */
function atOffset(date: string, time: string, offset: number): string {
  return new Date(Date.parse(`${date}T${time}:00Z`) - offset * 60_000).toISOString().replace(".000Z", "Z");
}
/** The instant of a wall time in Los Angeles on a day its offset does not change, by Intl and arithmetic. */
function wallInstant(date: string, time: string): string {
  return atOffset(date, time, offsetMinutes(Date.parse(`${date}T20:00:00Z`)));
}

const EVENING = {
  name: "Evening",
  days: ["MO", "TU", "TH"],
  startTime: "18:00",
  endTime: "21:00",
  facilitatorIds: ["fac_eve"],
};

async function setup(start = zoned(START_DAY, "05:00"), settings: Record<string, unknown> = {}) {
  const h = harness(start);
  const admin = await h.token("admin", "adm_1");
  const programId = await createProgram(h.call, admin, { settings });
  return { ...h, admin, programId };
}

describe("tracks and occurrences", () => {
  it.each(CHANGES)(
    "materialises an evening track at 18:00–21:00 local across the $month DST change",
    async ({ date: change }) => {
      // The change falls on a Sunday at 02:00 local: the week before it and the week after it
      // each hold a Monday, Tuesday and Thursday session, at different UTC offsets.
      expect(new Date(`${change}T12:00:00Z`).getUTCDay(), change).toBe(0);
      const before = offsetMinutes(Date.parse(`${plusDays(change, -1)}T20:00:00Z`));
      const after = offsetMinutes(Date.parse(`${plusDays(change, 1)}T20:00:00Z`));
      // Pacific daylight time is UTC−7, standard time UTC−8: back in November, forward in March.
      expect([before, after]).toEqual(change.slice(5, 7) === "11" ? [-420, -480] : [-480, -420]);
      const weekBefore = plusDays(change, -6);
      const startsOn = plusDays(change, -12);
      const { call, admin, programId } = await setup(zoned(startsOn, "05:00"));
      const res = await call("POST", `/v1/programs/${programId}/tracks`, {
        token: admin,
        body: { ...EVENING, startsOn },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ groupCap: 12, scheduledWeeklyMinutes: 540, plan: { meetsMinimum: true } });
      const list = await call(
        "GET",
        `/v1/programs/${programId}/sessions?from=${weekBefore}T00:00:00Z&to=${plusDays(change, 6)}T00:00:00Z`,
        { token: admin },
      );
      expect(list.status).toBe(200);
      const starts = list.body.sessions.map((s: { localDate: string; startsAt: string; endsAt: string }) => [
        s.localDate,
        s.startsAt,
        s.endsAt,
      ]);
      const expected = [0, 1, 3, 7, 8, 10].map((d) => {
        const day = plusDays(weekBefore, d);
        const offset = d < 7 ? before : after;
        return [day, atOffset(day, "18:00", offset), atOffset(day, "21:00", offset)];
      });
      expect(starts).toEqual(expected);
      for (const [day, startsAt, endsAt] of starts) {
        expect(wall(Date.parse(startsAt))).toEqual({ date: day, time: "18:00" });
        expect(wall(Date.parse(endsAt))).toEqual({ date: day, time: "21:00" });
      }
    },
  );

  it("accepts an RRULE with EXDATE, warns below the weekly minimum, and refuses bad schedules naming the field", async () => {
    const { call, admin, programId } = await setup();
    const rrule = await call("POST", `/v1/programs/${programId}/tracks`, {
      token: admin,
      body: {
        name: "Biweekly",
        rrule: "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
        startTime: "09:00",
        endTime: "12:00",
        startsOn: START_DAY,
      },
    });
    expect(rrule.status).toBe(201);
    expect(rrule.body.days).toEqual(["MO", "WE"]);
    expect(rrule.body.plan.meetsMinimum).toBe(false);
    expect(rrule.body.plan.warning).toMatch(/below the program minimum/);
    for (const [body, field] of [
      [{ ...EVENING, startsOn: START_DAY, endTime: "17:00" }, "endTime"],
      [{ ...EVENING, startsOn: START_DAY, days: [] }, "days"],
      [{ ...EVENING, startsOn: START_DAY, endsOn: plusDays(START_DAY, -19) }, "endsOn"],
      [{ name: "x", rrule: "FREQ=SECONDLY", startTime: "09:00", endTime: "10:00", startsOn: START_DAY }, "rrule"],
      [{ ...EVENING, startsOn: START_DAY, groupCap: 16 }, "groupCap"],
    ] as const) {
      const res = await call("POST", `/v1/programs/${programId}/tracks`, { token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
  });

  it("refuses a facilitator double-booked at the same time with 409", async () => {
    const { call, admin, programId } = await setup();
    expect(
      (
        await call("POST", `/v1/programs/${programId}/tracks`, {
          token: admin,
          body: { ...EVENING, startsOn: START_DAY },
        })
      ).status,
    ).toBe(201);
    const clash = await call("POST", `/v1/programs/${programId}/tracks`, {
      token: admin,
      body: { ...EVENING, name: "Other", days: ["TU"], startTime: "19:00", endTime: "20:00", startsOn: START_DAY },
    });
    expect(clash.status).toBe(409);
    const adhoc = await call("POST", `/v1/programs/${programId}/sessions`, {
      token: admin,
      body: {
        kind: "individual",
        startsAt: zoned(NEXT_MONDAY, "19:00"),
        endsAt: zoned(NEXT_MONDAY, "20:00"),
        facilitatorIds: ["fac_eve"],
        clientIds: ["clt_1"],
      },
    });
    expect(adhoc.status).toBe(409);
  });

  it("materialises idempotently: the cron run twice creates nothing twice", async () => {
    const { call, admin, programId, clock } = await setup();
    await call("POST", `/v1/programs/${programId}/tracks`, {
      token: admin,
      body: { ...EVENING, startsOn: START_DAY },
    });
    const dir = env.PROGRAMS.getByName(programId);
    expect(await dir.materialize(clock.now())).toEqual({ created: 0, moved: 0, cancelled: 0, bindings: [] });
    const later = clock.now() + 7 * 86_400_000;
    const first = await dir.materialize(later);
    expect(first.created).toBe(3);
    expect(await dir.materialize(later)).toEqual({ created: 0, moved: 0, cancelled: 0, bindings: [] });
  });

  it("moves future sessions when the track's time changes and cancels them when it ends", async () => {
    const { call, admin, programId } = await setup();
    const track = (
      await call("POST", `/v1/programs/${programId}/tracks`, {
        token: admin,
        body: { ...EVENING, startsOn: START_DAY },
      })
    ).body;
    const moved = await call("PATCH", `/v1/tracks/${track.id}`, {
      token: admin,
      body: { startTime: "17:00", endTime: "20:00" },
    });
    expect(moved.status).toBe(200);
    const list = await call(
      "GET",
      `/v1/programs/${programId}/sessions?from=${NEXT_MONDAY}T00:00:00Z&to=${plusDays(NEXT_MONDAY, 1)}T12:00:00Z`,
      { token: admin },
    );
    expect(list.body.sessions[0]).toMatchObject({ startsAt: wallInstant(NEXT_MONDAY, "17:00"), version: 2 });
    expect((await call("POST", `/v1/tracks/${track.id}/end`, { token: admin })).status).toBe(200);
    const after = await call(
      "GET",
      `/v1/programs/${programId}/sessions?from=${NEXT_MONDAY}T00:00:00Z&to=${plusDays(NEXT_MONDAY, 25)}T00:00:00Z&trackId=${track.id}`,
      { token: admin },
    );
    expect(after.body.sessions.every((s: { status: string }) => s.status === "cancelled")).toBe(true);
  });
});

describe("enrollments", () => {
  it("never holds more active clients than the cap: concurrent enrollments for the last seat, exactly one wins", async () => {
    const { call, admin, programId } = await setup();
    const track = (
      await call("POST", `/v1/programs/${programId}/tracks`, {
        token: admin,
        body: { ...EVENING, startsOn: START_DAY, groupCap: 3 },
      })
    ).body;
    const enroll = (clientId: string) =>
      call("POST", `/v1/programs/${programId}/enrollments`, {
        token: admin,
        body: { clientId, trackId: track.id, startsOn: START_DAY },
      });
    expect((await enroll("clt_a")).status).toBe(201);
    expect((await enroll("clt_b")).status).toBe(201);
    const race = await Promise.all([enroll("clt_c"), enroll("clt_d")]);
    expect(race.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(race.find((r) => r.status === 409)?.body.type).toBe("/problems/group-full");
  });

  it("walks the lifecycle: step down frees the seat, step up takes one, discharge is final", async () => {
    const { call, admin, programId } = await setup();
    const track = (
      await call("POST", `/v1/programs/${programId}/tracks`, {
        token: admin,
        body: { ...EVENING, startsOn: START_DAY, groupCap: 1 },
      })
    ).body;
    const a = (
      await call("POST", `/v1/programs/${programId}/enrollments`, {
        token: admin,
        body: { clientId: "clt_a", trackId: track.id, startsOn: START_DAY },
      })
    ).body;
    expect(
      (
        await call("POST", `/v1/programs/${programId}/enrollments`, {
          token: admin,
          body: { clientId: "clt_b", trackId: track.id, startsOn: START_DAY },
        })
      ).status,
    ).toBe(409);
    expect(
      (await call("PATCH", `/v1/enrollments/${a.id}`, { token: admin, body: { status: "stepped-down" } })).body.status,
    ).toBe("stepped-down");
    const b = await call("POST", `/v1/programs/${programId}/enrollments`, {
      token: admin,
      body: { clientId: "clt_b", trackId: track.id, startsOn: START_DAY },
    });
    expect(b.status).toBe(201);
    expect((await call("PATCH", `/v1/enrollments/${a.id}`, { token: admin, body: { status: "active" } })).status).toBe(
      409,
    );
    expect(
      (await call("PATCH", `/v1/enrollments/${a.id}`, { token: admin, body: { status: "discharged" } })).status,
    ).toBe(200);
    expect((await call("PATCH", `/v1/enrollments/${a.id}`, { token: admin, body: { status: "active" } })).status).toBe(
      409,
    );
  });

  it("shows a client only their own sessions, without other clients' ids", async () => {
    const { call, admin, programId, token } = await setup();
    const track = (
      await call("POST", `/v1/programs/${programId}/tracks`, {
        token: admin,
        body: { ...EVENING, startsOn: START_DAY },
      })
    ).body;
    await call("POST", `/v1/programs/${programId}/enrollments`, {
      token: admin,
      body: { clientId: "clt_a", trackId: track.id, startsOn: START_DAY },
    });
    await call("POST", `/v1/programs/${programId}/sessions`, {
      token: admin,
      body: {
        kind: "individual",
        startsAt: zoned(plusDays(NEXT_MONDAY, 2), "10:00"),
        endsAt: zoned(plusDays(NEXT_MONDAY, 2), "11:00"),
        facilitatorIds: ["fac_ind"],
        clientIds: ["clt_b"],
      },
    });
    const range = `from=${NEXT_MONDAY}T00:00:00Z&to=${plusDays(NEXT_MONDAY, 6)}T00:00:00Z`;
    const mine = await call("GET", `/v1/programs/${programId}/sessions?${range}`, {
      token: await token("client", "clt_a", programId),
    });
    expect(mine.body.sessions).toHaveLength(3);
    expect(mine.body.sessions.every((s: { kind: string }) => s.kind === "group")).toBe(true);
    const other = await call("GET", `/v1/programs/${programId}/sessions?${range}`, {
      token: await token("client", "clt_b", programId),
    });
    expect(other.body.sessions.map((s: { kind: string; clientIds: string[] }) => [s.kind, s.clientIds])).toEqual([
      ["individual", ["clt_b"]],
    ]);
    const staff = await call("GET", `/v1/programs/${programId}/sessions?${range}`, { token: admin });
    expect(staff.body.sessions).toHaveLength(4);
  });
});
