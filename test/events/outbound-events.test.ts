import { env, runDurableObjectAlarm } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../../schemas/events.ts";
import { finalizeEnded } from "../../src/directory/cron.ts";
import { scanAtRisk } from "../../src/events/at-risk-scan.ts";
import { RETRY_DELAYS_MS } from "../../src/events/retry-policy.ts";
import { futureMonday, plusDays, zoned } from "../dates.ts";
import { createProgram, harness } from "../helpers.ts";
import { groupSession, PERSONAL } from "../rooms/fixtures.ts";
import { register, receiver as startReceiver, travel as travelUntil } from "./receiver.ts";

let receiver: ReturnType<typeof startReceiver> | null = null;
afterEach(() => {
  receiver?.restore();
  receiver = null;
});

type H = ReturnType<typeof harness>;

/** Register an endpoint for `events` (all by default) at the fake receiver; its secret and id. */
async function endpoint(h: H, programId: string, admin: string, events: readonly string[] = EVENT_TYPES) {
  receiver ??= startReceiver();
  return { ...(await register(h.call, programId, admin, receiver.url, events)), rx: receiver };
}

/** Let queued events travel (directory alarm, relay at `now`) until `done` holds. */
async function travel(programId: string, now: number, done: () => boolean) {
  expect(await travelUntil(programId, now, done)).toBe(true);
}

describe("signed events to the clinic's systems (issue 19)", () => {
  it("sessions, enrollments and their changes arrive signed, each verified with standardwebhooks", async () => {
    const h = harness(Date.now());
    const admin = await h.token("admin", "adm_1");
    const programId = await createProgram(h.call, admin);
    const { secret, rx, id: endpointId } = await endpoint(h, programId, admin);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const day = futureMonday();
    const track = await h.call("POST", `/v1/programs/${programId}/tracks`, {
      token: admin,
      body: { name: "Evening", days: ["MO"], startTime: "18:00", endTime: "21:00", startsOn: day, groupCap: 10 },
    });
    expect(track.status, track.text).toBe(201);
    const enrolled = await h.call("POST", `/v1/programs/${programId}/enrollments`, {
      token: admin,
      body: { clientId: "clt_evt1", trackId: track.body.id, startsOn: day },
    });
    expect(enrolled.status, enrolled.text).toBe(201);
    await h.call("PUT", `/v1/programs/${programId}/people/clt_evt1/display-name`, {
      token: admin,
      body: { displayName: PERSONAL[0] },
    });
    const single = await h.call("POST", `/v1/programs/${programId}/sessions`, {
      token: admin,
      body: {
        kind: "individual",
        startsAt: zoned(plusDays(day, 1), "10:00"),
        endsAt: zoned(plusDays(day, 1), "11:00"),
        facilitatorIds: ["fac_1"],
        clientIds: ["clt_evt1"],
      },
    });
    expect(single.status, single.text).toBe(201);
    const moved = await h.call("PATCH", `/v1/sessions/${single.body.id}`, {
      token: admin,
      body: { startsAt: zoned(plusDays(day, 1), "13:00"), endsAt: zoned(plusDays(day, 1), "14:00") },
    });
    expect(moved.status, moved.text).toBe(200);
    const range = `from=${zoned(day, "00:00")}&to=${zoned(plusDays(day, 1), "00:00")}&trackId=${track.body.id}`;
    const listed = await h.call("GET", `/v1/programs/${programId}/sessions?${range}`, { token: admin });
    expect(listed.status, listed.text).toBe(200);
    const trackSession = listed.body.sessions.find((s: { trackId: string | null }) => s.trackId === track.body.id);
    expect((await h.call("POST", `/v1/sessions/${trackSession.id}/cancel`, { token: admin })).status).toBe(200);
    const discharged = await h.call("PATCH", `/v1/enrollments/${enrolled.body.id}`, {
      token: admin,
      body: { status: "discharged" },
    });
    expect(discharged.status, discharged.text).toBe(200);

    const has = (t: string) => rx.seen.some((r) => r.body.includes(`"type":"${t}"`));
    await travel(
      programId,
      Date.now() + 1000,
      () =>
        ["session.moved", "session.cancelled"].every(has) &&
        rx.seen.filter((r) => r.body.includes("enrollment.changed")).length >= 2,
    );
    const delivered = rx.verified(secret);
    // Every delivery verified; one id per distinct event, and no event delivered under two ids.
    expect(delivered.length).toBe(rx.seen.length);
    const byId = new Map<string, string>();
    for (const d of delivered) {
      const again = byId.get(d.id);
      if (again !== undefined) expect(JSON.stringify(d.payload)).toBe(again);
      byId.set(d.id, JSON.stringify(d.payload));
    }
    expect(new Set([...byId.values()]).size).toBe(byId.size);

    const of = (t: string) => delivered.filter((d) => d.payload.type === t).map((d) => d.payload.data);
    expect(of("session.scheduled").length).toBeGreaterThanOrEqual(2);
    expect(of("session.moved")).toEqual([
      expect.objectContaining({
        programId,
        sessionId: single.body.id,
        kind: "individual",
        startsAt: moved.body.startsAt,
        previous: { startsAt: single.body.startsAt, endsAt: single.body.endsAt },
        version: 2,
      }),
    ]);
    expect(of("session.cancelled")).toEqual([
      expect.objectContaining({ sessionId: trackSession.id, status: "cancelled" }),
    ]);
    expect(of("enrollment.changed")).toEqual([
      expect.objectContaining({
        enrollmentId: enrolled.body.id,
        clientId: "clt_evt1",
        status: "active",
        previous: null,
      }),
      expect.objectContaining({ status: "discharged", previous: { status: "active", trackId: track.body.id } }),
    ]);
    // Part 2 is on by default: every body carries the prohibition on redisclosure; no names anywhere.
    for (const d of delivered) expect(d.payload.notice?.summary).toMatch(/42 CFR part 2 prohibits/);
    for (const r of rx.seen) for (const p of PERSONAL) expect(r.body).not.toContain(p);

    const log = await h.call("GET", `/v1/programs/${programId}/event-endpoints/${endpointId}/deliveries`, {
      token: admin,
    });
    expect(log.status).toBe(200);
    expect(log.body.deliveries.length).toBe(byId.size);
    expect(
      log.body.deliveries.every(
        (d: { status: string; attempts: number }) => d.status === "delivered" && d.attempts === 1,
      ),
    ).toBe(true);
    // The admin's reads and changes are on the trail.
    const trail = await h.call("GET", `/v1/programs/${programId}/audit?limit=500`, { token: admin });
    const actions = trail.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["events.endpoint-create", "events.deliveries-read"]));
  });

  it("attendance.finalized at the session's end and attendance.corrected after a correction", async () => {
    const s = await groupSession({ clients: 2 });
    const { secret, rx } = await endpoint(s, s.programId, s.admin, ["attendance.finalized", "attendance.corrected"]);
    const after = Date.parse(s.at(191));
    s.clock.set(after);
    expect(await finalizeEnded(env, s.programId, after)).toBe(1);
    await runDurableObjectAlarm(env.ROOMS.getByName(s.sessionId));
    await travel(s.programId, after + 60_000, () => rx.seen.length >= 2);
    const fixed = await s.call("PATCH", `/v1/sessions/${s.sessionId}/attendance/${s.clients[0]}`, {
      token: s.facilitator,
      body: { status: "present", attendedMinutes: 180, reasonCode: "technical" },
    });
    expect(fixed.status, fixed.text).toBe(200);
    await travel(s.programId, after + 120_000, () => rx.seen.length >= 3);
    const got = rx.verified(secret).map((d) => d.payload);
    expect(
      got
        .filter((p) => p.type === "attendance.finalized")
        .map((p) => [p.data.clientId, p.data.status])
        .sort(),
    ).toEqual(s.clients.map((c) => [c, "no-show"]));
    expect(got.filter((p) => p.type === "attendance.corrected")).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          sessionId: s.sessionId,
          clientId: s.clients[0],
          status: "present",
          attendedMinutes: 180,
          version: 2,
          correction: expect.objectContaining({ originalStatus: "no-show", reasonCode: "technical" }),
        }),
      }),
    ]);
    // No session or enrollment events: this endpoint did not ask for them.
    expect(got.every((p) => p.type.startsWith("attendance."))).toBe(true);
  });

  it("a receiver down for a while gets every event once it recovers; the log shows attempts and errors", async () => {
    const h = harness(Date.now());
    const admin = await h.token("admin", "adm_1");
    const programId = await createProgram(h.call, admin);
    const { secret, rx, id } = await endpoint(h, programId, admin, ["session.scheduled"]);
    rx.failWith(503);
    const day = futureMonday();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const made = await h.call("POST", `/v1/programs/${programId}/sessions`, {
        token: admin,
        body: {
          kind: "group",
          startsAt: zoned(day, `0${i + 1}:00`),
          endsAt: zoned(day, `0${i + 1}:50`),
          facilitatorIds: [`fac_${i}`],
          clientIds: ["clt_a", "clt_b"],
          cap: 8,
        },
      });
      expect(made.status, made.text).toBe(201);
      ids.push(made.body.id);
    }
    const t0 = Date.now() + 1000;
    await travel(programId, t0, () => rx.seen.length >= 5);
    // Three rounds fail: at once, 5 s and 5 min later.
    let t = t0;
    for (const delay of RETRY_DELAYS_MS.slice(0, 2)) {
      t += delay;
      await env.EVENTS.getByName(programId).deliverDue(t);
    }
    const log = await h.call("GET", `/v1/programs/${programId}/event-endpoints/${id}/deliveries`, { token: admin });
    expect(log.body.deliveries).toHaveLength(5);
    for (const d of log.body.deliveries) {
      expect(d).toMatchObject({ status: "pending", attempts: 3, lastStatus: 503, lastError: "http 503" });
      expect(Date.parse(d.nextAttemptAt)).toBe(Date.parse(d.lastAttemptAt) + (RETRY_DELAYS_MS[2] as number));
    }
    // Not due yet: nothing is sent early.
    expect(await env.EVENTS.getByName(programId).deliverDue(t + 60_000)).toBe(0);
    rx.failWith(null);
    t += RETRY_DELAYS_MS[2] as number;
    expect(await env.EVENTS.getByName(programId).deliverDue(t)).toBe(5);
    const delivered = rx.verified(secret);
    expect(delivered).toHaveLength(5);
    expect(new Set(delivered.map((d) => d.id)).size).toBe(5);
    expect(delivered.map((d) => d.payload.data.sessionId).sort()).toEqual([...ids].sort());
    // Every attempt of one event carried the same webhook-id.
    for (const d of delivered) expect(rx.seen.filter((r) => r.id === d.id)).toHaveLength(4);
    // Nothing more is sent once delivered.
    expect(await env.EVENTS.getByName(programId).deliverDue(t + 86_400_000)).toBe(0);
  });

  it("an endpoint failing for over a day is disabled and says why; enabled again, it gets what it missed", async () => {
    const h = harness(Date.now());
    const admin = await h.token("admin", "adm_1");
    const programId = await createProgram(h.call, admin);
    const { secret, rx, id } = await endpoint(h, programId, admin, ["session.scheduled"]);
    rx.failWith(500);
    const day = futureMonday();
    const first = await h.call("POST", `/v1/programs/${programId}/sessions`, {
      token: admin,
      body: {
        kind: "group",
        startsAt: zoned(day, "09:00"),
        endsAt: zoned(day, "10:00"),
        facilitatorIds: ["fac_1"],
        clientIds: ["clt_a"],
        cap: 8,
      },
    });
    expect(first.status).toBe(201);
    const t0 = Date.now() + 1000;
    await travel(programId, t0, () => rx.seen.length >= 1);
    let t = t0;
    for (const delay of RETRY_DELAYS_MS) {
      t += delay;
      await env.EVENTS.getByName(programId).deliverDue(t);
    }
    expect(rx.seen).toHaveLength(8);
    const shown = await h.call("GET", `/v1/programs/${programId}/event-endpoints/${id}`, { token: admin });
    expect(shown.body).toMatchObject({ status: "disabled", counts: { failed: 1 } });
    expect(shown.body.disabledReason).toMatch(/^failing: no delivery succeeded since/);
    expect(Date.parse(shown.body.disabledAt) - t0).toBeGreaterThanOrEqual(24 * 3600_000);
    const trail = await h.call("GET", `/v1/programs/${programId}/audit?limit=500`, { token: admin });
    expect(trail.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "events.endpoint-disable", object: id, outcome: "failing" }),
      ]),
    );
    // While disabled, new events are held for it, not sent.
    const second = await h.call("POST", `/v1/programs/${programId}/sessions`, {
      token: admin,
      body: {
        kind: "group",
        startsAt: zoned(day, "11:00"),
        endsAt: zoned(day, "12:00"),
        facilitatorIds: ["fac_2"],
        clientIds: ["clt_a"],
        cap: 8,
      },
    });
    expect(second.status).toBe(201);
    for (let i = 0; i < 5; i++) {
      await runDurableObjectAlarm(env.PROGRAMS.getByName(programId));
      await env.EVENTS.getByName(programId).deliverDue(t + 1000);
    }
    expect(rx.seen).toHaveLength(8);
    const held = await h.call("GET", `/v1/programs/${programId}/event-endpoints/${id}/deliveries?status=held`, {
      token: admin,
    });
    expect(held.body.deliveries).toHaveLength(1);
    // Fixed and switched back on: the failed one and the held one both arrive.
    rx.failWith(null);
    const on = await h.call("PATCH", `/v1/programs/${programId}/event-endpoints/${id}`, {
      token: admin,
      body: { status: "enabled" },
    });
    expect(on.status, on.text).toBe(200);
    expect(on.body).toMatchObject({ status: "enabled", disabledReason: null, counts: { pending: 2 } });
    await env.EVENTS.getByName(programId).deliverDue(Date.now() + 1000);
    expect(
      rx
        .verified(secret)
        .map((d) => d.payload.data.sessionId)
        .sort(),
    ).toEqual([first.body.id, second.body.id].sort());
  });

  it("rotates the signing secret with an overlap: both signatures, then only the new one", async () => {
    const h = harness(Date.now());
    const admin = await h.token("admin", "adm_1");
    const programId = await createProgram(h.call, admin, { settings: { part2: false } });
    const { secret: old, rx, id } = await endpoint(h, programId, admin, ["session.scheduled"]);
    const until = Date.now() + 3600_000;
    const rotated = await h.call("POST", `/v1/programs/${programId}/event-endpoints/${id}/secret`, {
      token: admin,
      body: { overlapUntil: new Date(until).toISOString() },
    });
    expect(rotated.status, rotated.text).toBe(201);
    const next = rotated.body.secret as string;
    expect(next).not.toBe(old);
    expect(rotated.body.secrets).toHaveLength(2);
    const day = futureMonday();
    const session = (hour: string) =>
      h.call("POST", `/v1/programs/${programId}/sessions`, {
        token: admin,
        body: {
          kind: "group",
          startsAt: zoned(day, `${hour}:00`),
          endsAt: zoned(day, `${hour}:30`),
          facilitatorIds: [`fac_${hour}`],
          clientIds: ["clt_a"],
          cap: 8,
        },
      });
    await session("09");
    await travel(programId, Date.now() + 1000, () => rx.seen.length >= 1);
    expect(rx.seen[0]?.signature.split(" ")).toHaveLength(2);
    expect(rx.verified(old)).toHaveLength(1);
    expect(rx.verified(next)).toHaveLength(1);
    // Part 2 off for this program: no notice in the body.
    expect(rx.verified(next)[0]?.payload.notice).toBeUndefined();
    await session("10");
    await travel(programId, until + 1000, () => rx.seen.length >= 2);
    const last = rx.seen[1] as (typeof rx.seen)[number];
    expect(last.signature.split(" ")).toHaveLength(1);
    const headers = { "webhook-id": last.id, "webhook-timestamp": last.timestamp, "webhook-signature": last.signature };
    expect(() => new Webhook(old).verify(last.body, headers)).toThrow();
  });

  it("client.at-risk once per client and week, however often the cron finds it", async () => {
    const h = harness(Date.now());
    const admin = await h.token("admin", "adm_1");
    const programId = await createProgram(h.call, admin);
    const today = new Date().toISOString().slice(0, 10);
    const track = await h.call("POST", `/v1/programs/${programId}/tracks`, {
      token: admin,
      body: {
        name: "Later",
        days: ["MO"],
        startTime: "18:00",
        endTime: "21:00",
        startsOn: futureMonday(),
        groupCap: 10,
      },
    });
    const enrolled = await h.call("POST", `/v1/programs/${programId}/enrollments`, {
      token: admin,
      body: { clientId: "clt_risk", trackId: track.body.id, startsOn: plusDays(today, -7) },
    });
    expect(enrolled.status, enrolled.text).toBe(201);
    const { secret, rx } = await endpoint(h, programId, admin, ["client.at-risk"]);
    expect(await scanAtRisk(env, programId, Date.now())).toBe(1);
    expect(await scanAtRisk(env, programId, Date.now() + 900_000)).toBe(1);
    await env.EVENTS.getByName(programId).deliverDue(Date.now() + 1_000_000);
    const got = rx.verified(secret);
    expect(got).toHaveLength(1);
    expect(got[0]?.payload).toMatchObject({
      type: "client.at-risk",
      data: { clientId: "clt_risk", minutesAttended: 0, minutesRequired: 540, canStillMeetMinimum: false },
    });
  });

  it("refuses bad endpoints with problem+json: http outside localhost, unknown events, no key, unknown ids", async () => {
    const h = harness(Date.now());
    const admin = await h.token("admin", "adm_1");
    const programId = await createProgram(h.call, admin);
    const post = (body: unknown, opts: { env?: Partial<Env> } = {}) =>
      h.call("POST", `/v1/programs/${programId}/event-endpoints`, { token: admin, body, ...opts });
    const cases: [unknown, string][] = [
      [{ url: "http://ehr.example.org/hook", events: ["session.scheduled"] }, "url"],
      [{ url: "https://user:pw@ehr.example.org/hook", events: ["session.scheduled"] }, "url"],
      [{ url: "ftp://ehr.example.org/hook", events: ["session.scheduled"] }, "url"],
      [{ url: "https://ehr.example.org/hook", events: ["patient.diagnosed"] }, "events.0"],
      [{ url: "https://ehr.example.org/hook", events: [] }, "events"],
      [{ url: "https://ehr.example.org/hook" }, "events"],
      [{ url: "https://ehr.example.org/hook", events: ["session.scheduled"], extra: 1 }, ""],
    ];
    for (const [body, path] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await post({ url: "http://localhost:8799/hook", events: ["session.scheduled"] })).status).toBe(201);
    const noKey = await post(
      { url: "https://ehr.example.org/hook", events: ["session.scheduled"] },
      { env: { INTEGRATION_KEY: "" } as Partial<Env> },
    );
    expect(noKey.status).toBe(503);
    const missing = `evp_${"0".repeat(40)}`;
    for (const [method, suffix] of [
      ["GET", ""],
      ["PATCH", ""],
      ["DELETE", ""],
      ["POST", "/retry"],
      ["GET", "/deliveries"],
    ] as const) {
      const res = await h.call(method, `/v1/programs/${programId}/event-endpoints/${missing}${suffix}`, {
        token: admin,
        ...(method === "PATCH" ? { body: { status: "enabled" } } : {}),
      });
      expect(res.status, `${method} ${suffix}`).toBe(404);
    }
    expect((await h.call("GET", `/v1/programs/${programId}/event-endpoints/nope`, { token: admin })).status).toBe(400);
    const other = await createProgram(h.call, admin);
    const mine = await post({ url: "https://ehr.example.org/hook", events: ["session.scheduled"] });
    expect(
      (await h.call("GET", `/v1/programs/${other}/event-endpoints/${mine.body.id}`, { token: admin })).status,
    ).toBe(404);
    // The secret is shown once: never in a list or a read.
    const list = await h.call("GET", `/v1/programs/${programId}/event-endpoints`, { token: admin });
    expect(list.text).not.toContain("whsec_");
    const overlapTooLong = await h.call("POST", `/v1/programs/${programId}/event-endpoints/${mine.body.id}/secret`, {
      token: admin,
      body: { overlapUntil: new Date(Date.now() + 30 * 86_400_000).toISOString() },
    });
    expect(overlapTooLong.status).toBe(400);
  });
});
