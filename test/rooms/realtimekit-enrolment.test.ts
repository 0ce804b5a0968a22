import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { prepareUpcoming } from "../../src/rooms/rebind.ts";
import type { RtkView } from "../../src/video/realtimekit/enrolment-runner.ts";
import { routeFetch } from "../calendar/fixtures.ts";
import { type RealtimeKitCall, realtimeKitStandIn } from "../stand-ins/realtimekit-server.ts";
import { groupSession } from "./fixtures.ts";

// Issue 18, RealtimeKit through real rooms against the stand-in of its REST API: the room keeps each
// participant's token, so a join reuses it while it stays valid five more minutes, refreshes it (never
// adds twice) when it runs short, and the room's alarm pre-enrols everyone two hours ahead. Removal,
// discharge and the close reach RealtimeKit: a kick and a participant delete, the meeting made INACTIVE.
afterEach(() => vi.restoreAllMocks());

async function rtkGroup(opts: { tokenTtlSeconds?: number; open?: boolean } = {}) {
  const s = await groupSession({ clients: 2, cap: 2, settings: { videoProvider: "realtimekit" } });
  const rtk = realtimeKitStandIn({
    accountId: env.REALTIMEKIT_ACCOUNT_ID,
    appId: env.REALTIMEKIT_APP_ID,
    apiToken: env.REALTIMEKIT_API_TOKEN,
    baseUrl: env.REALTIMEKIT_API_URL,
    now: () => s.clock.now(),
    ...(opts.tokenTtlSeconds ? { tokenTtlSeconds: opts.tokenTtlSeconds } : {}),
  });
  routeFetch({ "realtimekit.fake.test": rtk.fetch as never });
  if (opts.open !== false) {
    await s.open();
    s.clock.set(s.at(-5));
  }
  const room = env.ROOMS.getByName(s.sessionId);
  const view = (id: string) => runInDurableObject(room, (r) => (r as unknown as RtkApi).realtimeKit(id));
  return { s, rtk, room, view };
}

type RtkApi = { realtimeKit(id: string): RtkView };
const shape = (calls: RealtimeKitCall[]) =>
  calls.map((c) => `${c.method} ${c.path.replace(/[0-9a-f-]{36}/g, ":id").replace(/\?.*$/, "")}`);
const adds = (calls: RealtimeKitCall[]) => shape(calls).filter((c) => c === "POST /meetings/:id/participants");

/** Wait (a few seconds at most) for the stand-in to have seen calls matching `match`. */
async function seen(calls: RealtimeKitCall[], match: (c: RealtimeKitCall) => boolean, n = 1) {
  for (let i = 0; i < 50; i++) {
    const found = calls.filter(match);
    if (found.length >= n) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no such call; got ${JSON.stringify(shape(calls))}`);
}

describe("RealtimeKit tokens kept by the room", () => {
  it("refreshes a token that has under five minutes left (one call, never a second add)", async () => {
    const { s, rtk, view } = await rtkGroup({ tokenTtlSeconds: 600 });
    const client = s.clients[0] as string;
    const first = await s.join(client);
    expect(first.status, first.text).toBe(200);
    expect((await view(client)).enrolment?.token).toBe(first.body.token);
    s.clock.set(s.at(1)); // 6 minutes on: the 10-minute token has 4 left
    const before = rtk.calls.length;
    const again = await s.join(client);
    expect(again.status).toBe(200);
    expect(shape(rtk.calls.slice(before))).toEqual(["POST /meetings/:id/participants/:id/token"]);
    expect(again.body.token).not.toBe(first.body.token);
    expect(rtk.tokenInfo(again.body.token)).toMatchObject({ valid: true, customParticipantId: client });
    expect((await view(client)).enrolment?.token).toBe(again.body.token);
    expect(adds(rtk.calls)).toHaveLength(1);
  });

  it("adds again only when RealtimeKit lost the participant (the refresh answered not-found)", async () => {
    const { s, rtk } = await rtkGroup({ tokenTtlSeconds: 600 });
    const client = s.clients[0] as string;
    expect((await s.join(client)).status).toBe(200);
    for (const m of rtk.meetings.values()) m.participants.clear();
    s.clock.set(s.at(1));
    const again = await s.join(client);
    expect(again.status).toBe(200);
    expect(rtk.tokenInfo(again.body.token)?.valid).toBe(true);
    expect(adds(rtk.calls)).toHaveLength(2);
    expect(rtk.meetings.size).toBe(1);
  });

  it("pre-enrols everyone from the alarm two hours ahead, refreshes before expiry, and the join costs no call", async () => {
    const { s, rtk, room } = await rtkGroup({ open: false });
    s.clock.set(s.at(-150));
    expect(await prepareUpcoming(env, s.programId, s.clock.now())).toBe(1);
    const alarmAt = await runInDurableObject(room, (_r, state) => state.storage.getAlarm());
    // The join window opens 15 minutes before the start; enrolment two hours before that.
    expect(alarmAt).toBe(Date.parse(s.at(-135)));
    expect(rtk.calls).toHaveLength(0);
    s.clock.set(s.at(-135));
    await runDurableObjectAlarm(room);
    expect(shape(rtk.calls)).toEqual(["POST /meetings", ...Array(4).fill("POST /meetings/:id/participants")]);
    const presets = rtk.calls.slice(1).map((c) => JSON.parse(c.body as string));
    expect(presets.map((p) => [p.custom_participant_id, p.preset_name])).toEqual([
      ["fac_1", "group_call_host"],
      [s.clients[0], "group_call_participant"],
      [s.clients[1], "group_call_participant"],
      ["adm_obs", "iop_observer"],
    ]);
    // Tokens last an hour: the alarm comes back a minute before they run out and refreshes them all.
    const next = await runInDurableObject(room, (_r, state) => state.storage.getAlarm());
    expect(next).toBe(Date.parse(s.at(-75)) - 60_000);
    s.clock.set(next as number);
    await runDurableObjectAlarm(room);
    expect(shape(rtk.calls.slice(5))).toEqual(Array(4).fill("POST /meetings/:id/participants/:id/token"));
    // And again an hour later, so that the tokens handed out at the start are fresh.
    const third = (await runInDurableObject(room, (_r, state) => state.storage.getAlarm())) as number;
    expect(third).toBe((next as number) + 3600_000 - 60_000);
    s.clock.set(third);
    await runDurableObjectAlarm(room);
    expect(adds(rtk.calls)).toHaveLength(4);
    s.clock.set(s.at(-10));
    await s.open();
    s.clock.set(s.at(-5));
    const before = rtk.calls.length;
    const joined = await s.join(s.clients[0] as string);
    expect(joined.status).toBe(200);
    expect(rtk.tokenInfo(joined.body.token)?.valid).toBe(true);
    expect(rtk.calls.length).toBe(before);
  });
});

describe("RealtimeKit hears removals, discharges and the close", () => {
  it("a removal kicks the person from the live session and deletes their participant", async () => {
    const { s, rtk, view } = await rtkGroup();
    const client = s.clients[0] as string;
    const joined = await s.join(client);
    const meetingId = (await view(client)).meetingId as string;
    rtk.connect(meetingId, client);
    const removed = await s.call("DELETE", `/v1/sessions/${s.sessionId}/participants/${client}`, {
      token: s.facilitator,
    });
    expect(removed.status).toBe(200);
    await seen(rtk.calls, (c) => c.method === "DELETE" && c.status === 200);
    const tail = shape(rtk.calls).slice(-2);
    expect(tail).toEqual(["POST /meetings/:id/active-session/kick", "DELETE /meetings/:id/participants/:id"]);
    expect(JSON.parse(rtk.calls.at(-2)?.body as string)).toEqual({
      custom_participant_ids: [client],
      participant_ids: [],
    });
    expect(rtk.meetings.get(meetingId)?.live.has(client)).toBe(false);
    expect(rtk.tokenInfo(joined.body.token)?.valid).toBe(false);
    expect((await view(client)).enrolment).toBeNull();
  });

  it("a discharge does the same, and the close makes the meeting INACTIVE", async () => {
    const { s, rtk, view } = await rtkGroup();
    const client = s.clients[1] as string;
    const other = await s.join(s.clients[0] as string);
    expect((await s.join(client)).status).toBe(200);
    const list = await s.call("GET", `/v1/programs/${s.programId}/enrollments`, { token: s.admin });
    const id = list.body.enrollments.find((e: { clientId: string }) => e.clientId === client).id;
    const patched = await s.call("PATCH", `/v1/enrollments/${id}`, { token: s.admin, body: { status: "discharged" } });
    expect(patched.status).toBe(200);
    await seen(rtk.calls, (c) => c.method === "DELETE" && c.status === 200);
    expect((await view(client)).enrolment).toBeNull();
    expect((await view(s.clients[0] as string)).enrolment).not.toBeNull();
    s.clock.set(s.at(180));
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: s.facilitator })).status).toBe(200);
    const patch = await seen(rtk.calls, (c) => c.method === "PATCH" && c.status === 200);
    expect(JSON.parse(patch[0]?.body as string)).toEqual({ status: "INACTIVE" });
    expect(rtk.tokenInfo(other.body.token)?.valid).toBe(false);
    expect((await view("")).meetingActive).toBe(false);
  });
});
