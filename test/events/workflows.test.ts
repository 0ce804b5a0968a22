import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { RETRY_DELAYS_MS } from "../../src/events/retry-policy.ts";
import { futureMonday, plusDays, zoned } from "../dates.ts";
import { createProgram, harness } from "../helpers.ts";
import { type Rx, receiver, register, settle, travel } from "./receiver.ts";

const made: Rx[] = [];
const use = (r: Rx) => {
  made.push(r);
  return r;
};
afterEach(() => {
  for (const r of made.splice(0)) r.restore();
});

async function program(settings: Record<string, unknown> = {}) {
  const h = harness(Date.now());
  const admin = await h.token("admin", "adm_1");
  const programId = await createProgram(h.call, admin, { settings });
  return { h, admin, programId };
}

describe("stable ids", () => {
  it("an enrollment stepping down and back up in the same second: three distinct enrollment.changed events", async () => {
    const { h, admin, programId } = await program();
    const rx = use(receiver());
    const { secret } = await register(h.call, programId, admin, rx.url, ["enrollment.changed"]);
    const day = futureMonday();
    const track = await h.call("POST", `/v1/programs/${programId}/tracks`, {
      token: admin,
      body: { name: "E", days: ["MO"], startTime: "18:00", endTime: "21:00", startsOn: day, groupCap: 10 },
    });
    const e = await h.call("POST", `/v1/programs/${programId}/enrollments`, {
      token: admin,
      body: { clientId: "clt_step", trackId: track.body.id, startsOn: day },
    });
    expect(e.status, e.text).toBe(201);
    for (const status of ["stepped-down", "active"]) {
      const p = await h.call("PATCH", `/v1/enrollments/${e.body.id}`, { token: admin, body: { status } });
      expect(p.status, p.text).toBe(200);
    }
    await travel(programId, Date.now() + 1000, () => rx.ok().length >= 3);
    await settle(programId, Date.now() + 2000);
    const got = rx.ok().map((r) => ({ id: r.id, p: rx.verify(secret, r) }));
    expect(got.map((g) => g.p.data.status)).toEqual(["active", "stepped-down", "active"]);
    expect(new Set(got.map((g) => g.id)).size).toBe(3);
  });

  it("a session moved, moved back, moved again, and cancelled: one distinct id each", async () => {
    const { h, admin, programId } = await program();
    const rx = use(receiver());
    const { secret } = await register(h.call, programId, admin, rx.url);
    const day = plusDays(futureMonday(), 1);
    const made = await h.call("POST", `/v1/programs/${programId}/sessions`, {
      token: admin,
      body: {
        kind: "individual",
        startsAt: zoned(day, "10:00"),
        endsAt: zoned(day, "11:00"),
        facilitatorIds: ["fac_1"],
        clientIds: ["clt_m"],
      },
    });
    expect(made.status, made.text).toBe(201);
    for (const [a, b] of [
      ["13:00", "14:00"],
      ["10:00", "11:00"],
      ["13:00", "14:00"],
    ]) {
      const m = await h.call("PATCH", `/v1/sessions/${made.body.id}`, {
        token: admin,
        body: { startsAt: zoned(day, a as string), endsAt: zoned(day, b as string) },
      });
      expect(m.status, m.text).toBe(200);
    }
    expect((await h.call("POST", `/v1/sessions/${made.body.id}/cancel`, { token: admin })).status).toBe(200);
    await travel(programId, Date.now() + 1000, () => rx.ok().length >= 5);
    await settle(programId, Date.now() + 2000);
    const got = rx.ok().map((r) => ({ id: r.id, p: rx.verify(secret, r) }));
    expect(got.map((g) => [g.p.type, g.p.data.version])).toEqual([
      ["session.scheduled", 1],
      ["session.moved", 2],
      ["session.moved", 3],
      ["session.moved", 4],
      ["session.cancelled", 5],
    ]);
    expect(new Set(got.map((g) => g.id)).size).toBe(5);
  });
});

describe("disabling", () => {
  it("one event the receiver always refuses (400) fails alone while the others keep succeeding", async () => {
    const { h, admin, programId } = await program();
    // The receiver refuses one session's event for good; everything else it takes.
    let poison = "";
    const rx = use(receiver((body) => (poison && body.includes(poison) ? 400 : 204)));
    const { id } = await register(h.call, programId, admin, rx.url, ["session.scheduled"]);
    const day = futureMonday({ weeksAhead: 4 });
    const mk = async (i: number) => {
      const s = await h.call("POST", `/v1/programs/${programId}/sessions`, {
        token: admin,
        body: {
          kind: "group",
          startsAt: zoned(plusDays(day, Math.floor(i / 10)), `${String(8 + (i % 10)).padStart(2, "0")}:00`),
          endsAt: zoned(plusDays(day, Math.floor(i / 10)), `${String(8 + (i % 10)).padStart(2, "0")}:30`),
          facilitatorIds: [`fac_${i}`],
          clientIds: ["clt_a"],
          cap: 8,
        },
      });
      expect(s.status, s.text).toBe(201);
      return s.body.id as string;
    };
    poison = await mk(0);
    const t0 = Date.now() + 1000;
    await travel(programId, t0, () => rx.seen.length >= 1);
    let t = t0;
    for (const [i, delay] of RETRY_DELAYS_MS.entries()) {
      t += delay;
      // A good event just before each retry: it is delivered at once, so the endpoint is working.
      await mk(i + 1);
      await travel(programId, t, () => rx.ok().length >= i + 1);
    }
    const shown = await h.call("GET", `/v1/programs/${programId}/event-endpoints/${id}`, { token: admin });
    expect(rx.ok().length).toBe(RETRY_DELAYS_MS.length);
    expect(rx.seen.filter((r) => r.body.includes(poison))).toHaveLength(8);
    // The poison one is failed; the endpoint, which succeeded moments ago, must stay enabled.
    expect(shown.body.counts.failed).toBe(1);
    expect(shown.body.status, JSON.stringify(shown.body)).toBe("enabled");
  });
});

describe("track materialisation", () => {
  it("a track's time changed: session.moved for each future occurrence; the track ended: session.cancelled", async () => {
    const { h, admin, programId } = await program();
    const rx = use(receiver());
    const { secret } = await register(h.call, programId, admin, rx.url);
    const day = futureMonday();
    const track = await h.call("POST", `/v1/programs/${programId}/tracks`, {
      token: admin,
      body: {
        name: "E",
        days: ["MO"],
        startTime: "18:00",
        endTime: "21:00",
        startsOn: day,
        endsOn: plusDays(day, 14),
        groupCap: 10,
      },
    });
    expect(track.status, track.text).toBe(201);
    const moved = await h.call("PATCH", `/v1/tracks/${track.body.id}`, {
      token: admin,
      body: { startTime: "17:00", endTime: "20:00" },
    });
    expect(moved.status, moved.text).toBe(200);
    const ended = await h.call("POST", `/v1/tracks/${track.body.id}/end`, { token: admin });
    expect(ended.status, ended.text).toBe(200);
    await travel(
      programId,
      Date.now() + 1000,
      () => rx.ok().filter((r) => r.body.includes("session.cancelled")).length >= 3,
    );
    await settle(programId, Date.now() + 2000);
    const got = rx.ok().map((r) => ({ id: r.id, p: rx.verify(secret, r) }));
    const count = (t: string) => got.filter((g) => g.p.type === t).length;
    expect([count("session.scheduled"), count("session.moved"), count("session.cancelled")]).toEqual([3, 3, 3]);
    expect(new Set(got.map((g) => g.id)).size).toBe(got.length);
  });
});

describe("client.at-risk", () => {
  it("a client scheduled for exactly the minimum: is the event spent at the week's first minute?", async () => {
    const { h, admin, programId } = await program();
    const monday = futureMonday();
    const track = await h.call("POST", `/v1/programs/${programId}/tracks`, {
      token: admin,
      body: {
        name: "IOP",
        days: ["MO", "WE", "FR"],
        startTime: "18:00",
        endTime: "21:00",
        startsOn: plusDays(monday, -7),
        groupCap: 10,
      },
    });
    expect(track.status, track.text).toBe(201);
    const e = await h.call("POST", `/v1/programs/${programId}/enrollments`, {
      token: admin,
      body: { clientId: "clt_iop", trackId: track.body.id, startsOn: plusDays(monday, -7) },
    });
    expect(e.status, e.text).toBe(201);
    const rx = use(receiver());
    const { secret } = await register(h.call, programId, admin, rx.url, ["client.at-risk"]);
    const { scanAtRisk } = await import("../../src/events/at-risk-scan.ts");
    // Monday 00:05: nothing attended yet, 3 × 3 h = 9 h still scheduled, exactly the minimum: not in danger yet.
    const mon = Date.parse(zoned(monday, "00:05"));
    const firedMonday = await scanAtRisk(env, programId, mon);
    // Wednesday 00:05, Monday's group missed (no record): 6 h left, 9 h required: it can no longer be met.
    const wed = Date.parse(zoned(plusDays(monday, 2), "00:05"));
    const firedWednesday = await scanAtRisk(env, programId, wed);
    await env.EVENTS.getByName(programId).deliverDue(wed + 1000);
    const got = rx.ok().map((r) => rx.verify(secret, r));
    expect({ firedMonday, firedWednesday }).toEqual({ firedMonday: 0, firedWednesday: 1 });
    // The one event of the week should tell the clinic the minimum is out of reach.
    expect(got.map((p) => [p.data.minutesStillScheduled, p.data.canStillMeetMinimum])).toEqual([[360, false]]);
  });
});

describe("enrollment transfer", () => {
  it("a transfer says the new track with the old one in previous; part2 off: no notice", async () => {
    const { h, admin, programId } = await program({ part2: false });
    const rx = use(receiver());
    const { secret } = await register(h.call, programId, admin, rx.url, ["enrollment.changed"]);
    const day = futureMonday();
    const mk = async (name: string) =>
      (
        await h.call("POST", `/v1/programs/${programId}/tracks`, {
          token: admin,
          body: {
            name,
            days: [name === "A" ? "MO" : "TU"],
            startTime: "18:00",
            endTime: "21:00",
            startsOn: day,
            groupCap: 10,
          },
        })
      ).body.id as string;
    const [t1, t2] = [await mk("A"), await mk("B")];
    const e = await h.call("POST", `/v1/programs/${programId}/enrollments`, {
      token: admin,
      body: { clientId: "clt_tr", trackId: t1, startsOn: day },
    });
    h.clock.advance(5000);
    const admin2 = await h.token("admin", "adm_1");
    const tr = await h.call("PATCH", `/v1/enrollments/${e.body.id}`, { token: admin2, body: { trackId: t2 } });
    expect(tr.status, tr.text).toBe(200);
    await travel(programId, Date.now() + 1000, () => rx.ok().length >= 2);
    const got = rx.ok().map((r) => rx.verify(secret, r));
    expect(got.map((p) => [p.data.trackId, p.data.previous])).toEqual([
      [t1, null],
      [t2, { status: "active", trackId: t1 }],
    ]);
    for (const p of got) expect(p.notice).toBeUndefined();
  });
});
