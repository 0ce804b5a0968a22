import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createProgram, harness } from "../helpers.ts";

const EVENING = {
  name: "Evening",
  days: ["MO", "TU", "TH"],
  startTime: "18:00",
  endTime: "21:00",
  facilitatorIds: ["fac_eve"],
};

async function setup(start = "2026-10-20T12:00:00Z", settings: Record<string, unknown> = {}) {
  const h = harness(start);
  const admin = await h.token("admin", "adm_1");
  const programId = await createProgram(h.call, admin, { settings });
  return { ...h, admin, programId };
}

describe("tracks and occurrences", () => {
  it("materialises an evening track at 18:00–21:00 local across the November DST change", async () => {
    const { call, admin, programId } = await setup("2026-10-20T12:00:00Z");
    const res = await call("POST", `/v1/programs/${programId}/tracks`, {
      token: admin,
      body: { ...EVENING, startsOn: "2026-10-20" },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ groupCap: 12, scheduledWeeklyMinutes: 540, plan: { meetsMinimum: true } });
    const list = await call(
      "GET",
      `/v1/programs/${programId}/sessions?from=2026-10-26T00:00:00Z&to=2026-11-07T00:00:00Z`,
      { token: admin },
    );
    expect(list.status).toBe(200);
    const starts = list.body.sessions.map((s: { localDate: string; startsAt: string; endsAt: string }) => [
      s.localDate,
      s.startsAt,
      s.endsAt,
    ]);
    expect(starts).toEqual([
      ["2026-10-26", "2026-10-27T01:00:00Z", "2026-10-27T04:00:00Z"],
      ["2026-10-27", "2026-10-28T01:00:00Z", "2026-10-28T04:00:00Z"],
      ["2026-10-29", "2026-10-30T01:00:00Z", "2026-10-30T04:00:00Z"],
      ["2026-11-02", "2026-11-03T02:00:00Z", "2026-11-03T05:00:00Z"],
      ["2026-11-03", "2026-11-04T02:00:00Z", "2026-11-04T05:00:00Z"],
      ["2026-11-05", "2026-11-06T02:00:00Z", "2026-11-06T05:00:00Z"],
    ]);
  });

  it("accepts an RRULE with EXDATE, warns below the weekly minimum, and refuses bad schedules naming the field", async () => {
    const { call, admin, programId } = await setup();
    const rrule = await call("POST", `/v1/programs/${programId}/tracks`, {
      token: admin,
      body: {
        name: "Biweekly",
        rrule: "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
        startTime: "09:00",
        endTime: "12:00",
        startsOn: "2026-10-20",
      },
    });
    expect(rrule.status).toBe(201);
    expect(rrule.body.days).toEqual(["MO", "WE"]);
    expect(rrule.body.plan.meetsMinimum).toBe(false);
    expect(rrule.body.plan.warning).toMatch(/below the program minimum/);
    for (const [body, field] of [
      [{ ...EVENING, startsOn: "2026-10-20", endTime: "17:00" }, "endTime"],
      [{ ...EVENING, startsOn: "2026-10-20", days: [] }, "days"],
      [{ ...EVENING, startsOn: "2026-10-20", endsOn: "2026-10-01" }, "endsOn"],
      [{ name: "x", rrule: "FREQ=DAILY", startTime: "09:00", endTime: "10:00", startsOn: "2026-10-20" }, "rrule"],
      [{ ...EVENING, startsOn: "2026-10-20", groupCap: 16 }, "groupCap"],
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
          body: { ...EVENING, startsOn: "2026-10-20" },
        })
      ).status,
    ).toBe(201);
    const clash = await call("POST", `/v1/programs/${programId}/tracks`, {
      token: admin,
      body: { ...EVENING, name: "Other", days: ["TU"], startTime: "19:00", endTime: "20:00", startsOn: "2026-10-20" },
    });
    expect(clash.status).toBe(409);
    const adhoc = await call("POST", `/v1/programs/${programId}/sessions`, {
      token: admin,
      body: {
        kind: "individual",
        startsAt: "2026-10-27T02:00:00Z",
        endsAt: "2026-10-27T03:00:00Z",
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
      body: { ...EVENING, startsOn: "2026-10-20" },
    });
    const dir = env.PROGRAMS.getByName(programId);
    expect(await dir.materialize(clock.now())).toEqual({ created: 0, moved: 0, cancelled: 0 });
    const later = clock.now() + 7 * 86_400_000;
    const first = await dir.materialize(later);
    expect(first.created).toBe(3);
    expect(await dir.materialize(later)).toEqual({ created: 0, moved: 0, cancelled: 0 });
  });

  it("moves future sessions when the track's time changes and cancels them when it ends", async () => {
    const { call, admin, programId } = await setup();
    const track = (
      await call("POST", `/v1/programs/${programId}/tracks`, {
        token: admin,
        body: { ...EVENING, startsOn: "2026-10-20" },
      })
    ).body;
    const moved = await call("PATCH", `/v1/tracks/${track.id}`, {
      token: admin,
      body: { startTime: "17:00", endTime: "20:00" },
    });
    expect(moved.status).toBe(200);
    const list = await call(
      "GET",
      `/v1/programs/${programId}/sessions?from=2026-10-26T00:00:00Z&to=2026-10-27T12:00:00Z`,
      { token: admin },
    );
    expect(list.body.sessions[0]).toMatchObject({ startsAt: "2026-10-27T00:00:00Z", version: 2 });
    expect((await call("POST", `/v1/tracks/${track.id}/end`, { token: admin })).status).toBe(200);
    const after = await call(
      "GET",
      `/v1/programs/${programId}/sessions?from=2026-10-26T00:00:00Z&to=2026-11-20T00:00:00Z&trackId=${track.id}`,
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
        body: { ...EVENING, startsOn: "2026-10-20", groupCap: 3 },
      })
    ).body;
    const enroll = (clientId: string) =>
      call("POST", `/v1/programs/${programId}/enrollments`, {
        token: admin,
        body: { clientId, trackId: track.id, startsOn: "2026-10-20" },
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
        body: { ...EVENING, startsOn: "2026-10-20", groupCap: 1 },
      })
    ).body;
    const a = (
      await call("POST", `/v1/programs/${programId}/enrollments`, {
        token: admin,
        body: { clientId: "clt_a", trackId: track.id, startsOn: "2026-10-20" },
      })
    ).body;
    expect(
      (
        await call("POST", `/v1/programs/${programId}/enrollments`, {
          token: admin,
          body: { clientId: "clt_b", trackId: track.id, startsOn: "2026-10-20" },
        })
      ).status,
    ).toBe(409);
    expect(
      (await call("PATCH", `/v1/enrollments/${a.id}`, { token: admin, body: { status: "stepped-down" } })).body.status,
    ).toBe("stepped-down");
    const b = await call("POST", `/v1/programs/${programId}/enrollments`, {
      token: admin,
      body: { clientId: "clt_b", trackId: track.id, startsOn: "2026-10-20" },
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
        body: { ...EVENING, startsOn: "2026-10-20" },
      })
    ).body;
    await call("POST", `/v1/programs/${programId}/enrollments`, {
      token: admin,
      body: { clientId: "clt_a", trackId: track.id, startsOn: "2026-10-20" },
    });
    await call("POST", `/v1/programs/${programId}/sessions`, {
      token: admin,
      body: {
        kind: "individual",
        startsAt: "2026-10-28T17:00:00Z",
        endsAt: "2026-10-28T18:00:00Z",
        facilitatorIds: ["fac_ind"],
        clientIds: ["clt_b"],
      },
    });
    const range = "from=2026-10-26T00:00:00Z&to=2026-11-01T00:00:00Z";
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
