import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { prepareUpcoming } from "../../src/rooms/rebind.ts";
import { REALTIMEKIT_API_LIMIT, REALTIMEKIT_PLANNED_LIMIT } from "../../src/video/realtimekit/rate-budget.ts";
import { routeFetch } from "../calendar/fixtures.ts";
import { futureMonday, plusDays, plusMinutes, zoned } from "../dates.ts";
import { createProgram, harness } from "../helpers.ts";
import { realtimeKitStandIn } from "../stand-ins/realtimekit-server.ts";

// Issue 18: "a 09:00 rush of 100 groups × 12 clients against the local stand-in never exceeds the rate
// limit and admits exactly each group's cap". Through real rooms: one clinic, 100 group sessions at
// 09:00 (12 clients each, cap 10). The account has already used 2,500 of its 3,500 calls in the current
// five minutes (the stand-in saw them, the budget holds them), so pre-enrolment must spread itself out.
// The rooms' alarms pre-enrol everyone from 06:45 within the account-wide budget and refresh the tokens
// hourly; then all 1,200 clients join within 60 s (each group's twelve at once), costing no call at all.
afterEach(() => vi.restoreAllMocks());

const GROUPS = 100;
const CLIENTS = 12;
const CAP = 10;
const ALREADY_USED = 2500;

describe("the 09:00 rush on RealtimeKit", () => {
  it("pre-enrols 100 groups × 12 within the account's budget; the joins admit exactly each cap and call nothing", async () => {
    const started = Date.now();
    const day = futureMonday();
    const startsAt = zoned(day, "09:00");
    const endsAt = zoned(day, "12:00");
    const from = plusDays(day, -21);
    const at = (m: number) => Date.parse(plusMinutes(startsAt, m));
    const h = harness(at(-150));
    const admin = await h.token("admin", "adm_1");
    const programId = await createProgram(h.call, admin, { settings: { videoProvider: "realtimekit" } });
    const groups = await Promise.all(
      Array.from({ length: GROUPS }, async (_, g) => {
        const clients = Array.from({ length: CLIENTS }, (_, i) => `clt_${g}_${i}`);
        const facilitator = `fac_${g}`;
        // Each group is a track's twelve active clients (a session lists at most its cap).
        const track = await h.call("POST", `/v1/programs/${programId}/tracks`, {
          token: admin,
          body: { name: `T${g}`, days: ["SA"], startTime: "06:00", endTime: "07:00", startsOn: from, groupCap: 15 },
        });
        await Promise.all(
          clients.map((clientId) =>
            h.call("POST", `/v1/programs/${programId}/enrollments`, {
              token: admin,
              body: { clientId, trackId: track.body.id, startsOn: from },
            }),
          ),
        );
        const body = {
          kind: "group",
          trackId: track.body.id,
          startsAt,
          endsAt,
          facilitatorIds: [facilitator],
          cap: CAP,
        };
        const res = await h.call("POST", `/v1/programs/${programId}/sessions`, { token: admin, body });
        if (res.status !== 201) throw new Error(res.text);
        return {
          id: res.body.id as string,
          clients,
          facilitator: await h.token("facilitator", facilitator, programId),
        };
      }),
    );
    const rtk = realtimeKitStandIn({
      accountId: env.REALTIMEKIT_ACCOUNT_ID,
      appId: env.REALTIMEKIT_APP_ID,
      apiToken: env.REALTIMEKIT_API_TOKEN,
      baseUrl: env.REALTIMEKIT_API_URL,
      now: () => h.clock.now(),
    });
    routeFetch({ "realtimekit.fake.test": rtk.fetch as never });
    const setupMs = Date.now() - started;

    // Earlier calls of the account (another clinic's rooms, say), seen by RealtimeKit and held by the budget.
    const t0 = at(-136);
    h.clock.set(t0);
    const account = env.VIDEO_ACCOUNTS.getByName(`rtk:${env.REALTIMEKIT_ACCOUNT_ID}`);
    expect(await account.take(ALREADY_USED, t0)).toEqual({ ok: true });
    const app = `${env.REALTIMEKIT_API_URL}/accounts/${env.REALTIMEKIT_ACCOUNT_ID}/realtime/kit/${env.REALTIMEKIT_APP_ID}`;
    for (let i = 0; i < ALREADY_USED; i++) {
      await rtk.fetch(`${app}/meetings?search=other`, {
        method: "GET",
        headers: { authorization: `Bearer ${env.REALTIMEKIT_API_TOKEN}` },
      });
    }

    // The cron hands the rooms their binding; each room's alarm does the rest.
    h.clock.set(at(-150));
    expect(await prepareUpcoming(env, programId, h.clock.now())).toBe(GROUPS);
    const rooms = groups.map((g) => env.ROOMS.getByName(g.id));
    const alarmOf = (room: (typeof rooms)[number]) =>
      runInDurableObject(room, (_r, state) => state.storage.getAlarm()) as Promise<number | null>;
    let rounds = 0;
    for (;;) {
      const alarms = await Promise.all(rooms.map(alarmOf));
      const next = Math.min(...alarms.map((a) => a ?? Number.POSITIVE_INFINITY));
      if (next >= at(-10)) break;
      h.clock.set(next);
      await Promise.all(rooms.filter((_, i) => alarms[i] === next).map((room) => runDurableObjectAlarm(room)));
      rounds++;
    }
    const adds = rtk.calls.filter((c) => c.method === "POST" && /\/participants$/.test(c.path) && c.status === 201);
    expect(adds).toHaveLength(GROUPS * (CLIENTS + 1));
    expect(rtk.calls.filter((c) => c.method === "POST" && c.path === "/meetings")).toHaveLength(GROUPS);
    const enrolMs = Date.now() - started - setupMs;

    // 08:50 the facilitators open; from 09:00 every group's twelve join at once, a group every 0.6 s.
    h.clock.set(Math.max(h.clock.now(), at(-10)));
    for (const g of groups) {
      expect((await h.call("POST", `/v1/sessions/${g.id}/open`, { token: g.facilitator })).status).toBe(200);
    }
    const beforeJoins = rtk.calls.length;
    const admitted: number[] = [];
    for (const [n, g] of groups.entries()) {
      h.clock.set(at(0) + n * 600);
      const answers = await Promise.all(
        g.clients.map(async (c) =>
          h.call("POST", `/v1/sessions/${g.id}/join`, { token: await h.token("client", c, programId) }),
        ),
      );
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      expect(answers.filter((a) => a.status === 409)).toHaveLength(CLIENTS - CAP);
      admitted.push(answers.filter((a) => a.status === 200).length);
      for (const a of answers.filter((x) => x.status === 200)) expect(rtk.tokenInfo(a.body.token)?.valid).toBe(true);
    }
    expect(h.clock.now() - at(0)).toBeLessThan(60_000);
    expect(admitted).toEqual(Array(GROUPS).fill(CAP));
    // Every token handed out was the one pre-enrolment stored: the rush cost RealtimeKit nothing.
    expect(rtk.calls.length).toBe(beforeJoins);

    // Never a 429, never more than the planned limit in any five minutes (the earlier 2,500 included).
    expect(rtk.calls.filter((c) => c.status === 429)).toEqual([]);
    const most = rtk.maxInWindow(300_000);
    expect(most).toBeLessThanOrEqual(REALTIMEKIT_PLANNED_LIMIT);
    expect(most).toBeLessThan(REALTIMEKIT_API_LIMIT);
    // biome-ignore lint/suspicious/noConsole: the figures the issue asks to report (calls per window, time taken).
    console.log(
      JSON.stringify({
        rush: { groups: GROUPS, clients: CLIENTS, cap: CAP, alreadyUsed: ALREADY_USED },
        calls: rtk.calls.length - ALREADY_USED,
        maxIn5Min: most,
        alarmRounds: rounds,
        ms: { setup: setupMs, enrol: enrolMs, total: Date.now() - started },
      }),
    );
  }, 300_000);
});
