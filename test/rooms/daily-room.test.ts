import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { roomName } from "../../src/tokens/window.ts";
import { routeFetch } from "../calendar/fixtures.ts";
import { type DailyCall, fakeDaily } from "../video/fake-daily.ts";
import { groupSession } from "./fixtures.ts";

// Issue 18, "removal and discharge reach every platform that has an API for it": a Daily program's
// room ejects a removed or discharged client by the user id their meeting token set, deletes the
// Daily room at the close, and (its webhook secret being configured) polls Daily's presence while live.
// vitest.config.ts points DAILY_API_URL at daily.fake.test, answered here by the Daily helper's fake.
afterEach(() => vi.restoreAllMocks());

async function dailyGroup() {
  const s = await groupSession({ clients: 2, settings: { videoProvider: "daily" } });
  const daily = fakeDaily({ apiKey: env.DAILY_API_KEY });
  routeFetch({ "daily.fake.test": daily.fetch as never });
  await s.open();
  s.clock.set(s.at(0));
  const name = await roomName(s.sessionId, env.ROOM_SECRET);
  daily.addRoom(name, "private");
  const inCall = (...ids: string[]) =>
    daily.setPresence(
      name,
      ids.map((userId) => ({ userId, participantId: crypto.randomUUID(), userName: "Jane Doe", joinTime: s.at(0) })),
    );
  return { s, daily, name, inCall, room: env.ROOMS.getByName(s.sessionId) };
}

async function seen(calls: DailyCall[], match: (c: DailyCall) => boolean): Promise<DailyCall> {
  for (let i = 0; i < 50; i++) {
    const found = calls.find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no such call; got ${JSON.stringify(calls.map((c) => [c.method, c.path, c.status]))}`);
}

describe("Daily hears removals, discharges and the close", () => {
  it("a removal ejects the client from the call by their user id", async () => {
    const { s, daily, name, inCall } = await dailyGroup();
    const [a, b] = s.clients as [string, string];
    expect((await s.join(a)).status).toBe(200);
    inCall(a, b);
    const removed = await s.call("DELETE", `/v1/sessions/${s.sessionId}/participants/${a}`, { token: s.facilitator });
    expect(removed.status).toBe(200);
    const eject = await seen(daily.calls, (c) => c.path === `/rooms/${name}/eject` && c.status === 200);
    expect(JSON.parse(eject.body)).toEqual({ user_ids: [a] });
    expect(daily.presenceOf(name).map((p) => p.userId)).toEqual([b]);
    // Nothing personal went to Daily.
    expect(JSON.stringify(daily.calls.map((c) => [c.path, c.body]))).not.toMatch(/Jane|@/);
  });

  it("a discharge ejects them too, and the close deletes the Daily room", async () => {
    const { s, daily, name, inCall } = await dailyGroup();
    const client = s.clients[1] as string;
    expect((await s.join(client)).status).toBe(200);
    inCall(client);
    const list = await s.call("GET", `/v1/programs/${s.programId}/enrollments`, { token: s.admin });
    const id = list.body.enrollments.find((e: { clientId: string }) => e.clientId === client).id;
    const patched = await s.call("PATCH", `/v1/enrollments/${id}`, { token: s.admin, body: { status: "discharged" } });
    expect(patched.status).toBe(200);
    await seen(daily.calls, (c) => c.path === `/rooms/${name}/eject` && c.status === 200);
    expect(daily.presenceOf(name)).toEqual([]);
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: s.facilitator })).status).toBe(200);
    await seen(daily.calls, (c) => c.method === "DELETE" && c.path === `/rooms/${name}` && c.status === 200);
  });

  it("a failed eject is retried from the alarm; the facilitator never waits for Daily", async () => {
    const { s, daily, name, room } = await dailyGroup();
    const client = s.clients[0] as string;
    await s.join(client);
    daily.failNext(1, 503);
    const removed = await s.call("DELETE", `/v1/sessions/${s.sessionId}/participants/${client}`, {
      token: s.facilitator,
    });
    expect(removed.status).toBe(200);
    await seen(daily.calls, (c) => c.path === `/rooms/${name}/eject` && c.status === 503);
    await runDurableObjectAlarm(room);
    await seen(daily.calls, (c) => c.path === `/rooms/${name}/eject` && c.status === 200);
  });

  it("polls Daily's presence while the room is live (its webhooks configured), names dropped", async () => {
    const { s, daily, name, inCall, room } = await dailyGroup();
    const client = s.clients[0] as string;
    expect((await s.join(client)).status).toBe(200);
    inCall(client);
    // Any change to the session hands the room a new binding, which arms its alarm: polling starts.
    const patched = await s.call("PATCH", `/v1/sessions/${s.sessionId}`, { token: s.admin, body: { cap: 11 } });
    expect(patched.status).toBe(200);
    const at = await runInDurableObject(room, (_r, state) => state.storage.getAlarm());
    // The poll in 15 s, or sooner the retry of the join's audit entries while they wait to be
    // forwarded with the next joins (JOIN_FORWARD_GAP_MS); the alarm then re-arms for the poll.
    expect([s.clock.now() + 5_000, s.clock.now() + 15_000]).toContain(at);
    await runDurableObjectAlarm(room);
    await seen(daily.calls, (c) => c.path === `/rooms/${name}/presence` && c.status === 200);
    const snapshot = await room.snapshot();
    // The token was no arrival (Daily reports presence); the poll's fact is the connect.
    const connects = snapshot.presence.filter((p: { participant_id: string; type: string }) => p.type === "connect");
    expect(connects.map((p: { participant_id: string }) => p.participant_id)).toEqual([client]);
    expect(JSON.stringify(snapshot)).not.toContain("Jane");
  });
});
