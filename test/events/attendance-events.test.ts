import { env, runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { finalizeEnded } from "../../src/directory/cron.ts";
import { roomName } from "../../src/tokens/window.ts";
import { livekitAuthorization } from "../calendar/providers/senders.ts";
import { groupSession, PERSONAL } from "../rooms/fixtures.ts";
import { type Rx, receiver, register, settle, travel } from "./receiver.ts";

const made: Rx[] = [];
const use = (r: Rx) => {
  made.push(r);
  return r;
};
afterEach(() => {
  for (const r of made.splice(0)) r.restore();
});

function lkEvent(id: string, type: string, room: string, identity: string, at: string) {
  return JSON.stringify({
    id,
    event: type,
    createdAt: String(Date.parse(at) / 1000),
    room: { sid: "RM_x", name: room },
    participant: { sid: "PA_x", identity, name: "" },
  });
}

describe("attendance events end to end", () => {
  it("a session nobody opened: attendance.finalized (no-show) for each expected client, from the cron", async () => {
    const s = await groupSession({ clients: 3 });
    const rx = use(receiver());
    const { secret } = await register(s.call, s.programId, s.admin, rx.url, ["attendance.finalized"]);
    const after = Date.parse(s.at(191));
    s.clock.set(after);
    expect(await finalizeEnded(env, s.programId, after)).toBe(1);
    await runDurableObjectAlarm(env.ROOMS.getByName(s.sessionId));
    await travel(s.programId, after + 60_000, () => rx.ok().length >= 3, [s.sessionId]);
    const got = rx.ok().map((r) => rx.verify(secret, r));
    expect(got.map((p) => [p.data.clientId, p.data.status, p.data.version]).sort()).toEqual(
      s.clients.map((c) => [c, "no-show", 1]),
    );
    for (const p of got) expect(p.notice?.summary).toMatch(/42 CFR part 2/);
  });

  it("a late platform fact after the close: attendance.corrected (version 2) with the new minutes", async () => {
    const s = await groupSession({ clients: 2, settings: { videoProvider: "livekit" } });
    const rx = use(receiver());
    const { secret } = await register(s.call, s.programId, s.admin, rx.url, [
      "attendance.finalized",
      "attendance.corrected",
    ]);
    const [a, b] = s.clients as [string, string];
    s.clock.set(s.at(-2));
    await s.open();
    expect((await s.join(a)).status).toBe(200);
    expect((await s.join(b)).status).toBe(200);
    const room = await roomName(s.sessionId, env.ROOM_SECRET);
    const send = async (body: string) => {
      s.clock.set(Date.now());
      const res = await s.call("POST", `/v1/webhooks/video/${s.programId}/livekit`, {
        raw: body,
        headers: {
          "content-type": "application/webhook+json",
          authorization: await livekitAuthorization(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET, body),
        },
      });
      s.clock.set(s.at(200));
      return res;
    };
    await send(lkEvent("EV_a", "participant_joined", room, a, s.at(0)));
    await send(lkEvent("EV_b", "participant_joined", room, b, s.at(0)));
    s.clock.set(s.at(180));
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: s.facilitator })).status).toBe(200);
    const t = Date.parse(s.at(200));
    await travel(s.programId, t, () => rx.ok().length >= 2, [s.sessionId]);
    expect((await send(lkEvent("EV_late", "participant_left", room, a, s.at(90)))).body).toEqual({ accepted: 1 });
    await travel(s.programId, t + 60_000, () => rx.ok().length >= 3, [s.sessionId]);
    await settle(s.programId, t + 120_000, [s.sessionId]);
    const got = rx.ok().map((r) => ({ id: r.id, p: rx.verify(secret, r) }));
    const corrected = got.filter((g) => g.p.type === "attendance.corrected");
    expect(corrected.map((g) => [g.p.data.clientId, g.p.data.attendedMinutes, g.p.data.version])).toEqual([[a, 90, 2]]);
    expect(new Set(got.map((g) => g.id)).size).toBe(got.length);
  });

  it("no names, e-mails or phone numbers in attendance payloads even with display names and e-mails set", async () => {
    const s = await groupSession({ clients: 2 });
    const enrollments = await s.call("GET", `/v1/programs/${s.programId}/enrollments`, { token: s.admin });
    for (const e of enrollments.body.enrollments) {
      await s.call("PUT", `/v1/enrollments/${e.id}/email`, { token: s.admin, body: { email: PERSONAL[1] } });
      await s.call("PUT", `/v1/programs/${s.programId}/people/${e.clientId}/display-name`, {
        token: s.admin,
        body: { displayName: PERSONAL[0] },
      });
    }
    const rx = use(receiver());
    await register(s.call, s.programId, s.admin, rx.url);
    s.clock.set(s.at(-2));
    await s.open();
    await s.join(s.clients[0] as string);
    const after = Date.parse(s.at(191));
    s.clock.set(after);
    await finalizeEnded(env, s.programId, after);
    await runDurableObjectAlarm(env.ROOMS.getByName(s.sessionId));
    await travel(s.programId, after + 60_000, () => rx.ok().length >= 2, [s.sessionId]);
    expect(rx.ok().length).toBeGreaterThanOrEqual(2);
    for (const r of rx.seen) for (const p of PERSONAL) expect(r.body).not.toContain(p);
  });

  it("Part 2 turned on after the room was bound: the attendance events carry the notice", async () => {
    const s = await groupSession({ clients: 1, settings: { part2: false } });
    const rx = use(receiver());
    const { secret } = await register(s.call, s.programId, s.admin, rx.url, ["attendance.finalized"]);
    s.clock.set(s.at(-2));
    expect((await s.open()).status).toBe(200);
    const on = await s.call("PATCH", `/v1/programs/${s.programId}`, {
      token: s.admin,
      body: { settings: { part2: true } },
    });
    expect(on.status, on.text).toBe(200);
    const after = Date.parse(s.at(191));
    s.clock.set(after);
    await finalizeEnded(env, s.programId, after);
    await runDurableObjectAlarm(env.ROOMS.getByName(s.sessionId));
    await travel(s.programId, after + 60_000, () => rx.ok().length >= 1, [s.sessionId]);
    const [p] = rx.ok().map((r) => rx.verify(secret, r));
    expect(p?.type).toBe("attendance.finalized");
    expect(p?.notice?.summary).toMatch(/42 CFR part 2/);
  });

  it("Part 2 turned off after the room was bound: no notice", async () => {
    const s = await groupSession({ clients: 1 });
    const rx = use(receiver());
    const { secret } = await register(s.call, s.programId, s.admin, rx.url, ["attendance.finalized"]);
    s.clock.set(s.at(-2));
    expect((await s.open()).status).toBe(200);
    const off = await s.call("PATCH", `/v1/programs/${s.programId}`, {
      token: s.admin,
      body: { settings: { part2: false } },
    });
    expect(off.status, off.text).toBe(200);
    const after = Date.parse(s.at(191));
    s.clock.set(after);
    await finalizeEnded(env, s.programId, after);
    await runDurableObjectAlarm(env.ROOMS.getByName(s.sessionId));
    await travel(s.programId, after + 60_000, () => rx.ok().length >= 1, [s.sessionId]);
    const [p] = rx.ok().map((r) => rx.verify(secret, r));
    expect(p?.notice).toBeUndefined();
  });
});
