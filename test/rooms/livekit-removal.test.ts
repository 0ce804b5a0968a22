import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import type { LiveKitCall } from "../stand-ins/livekit-room-service.ts";
import { groupSession } from "./fixtures.ts";
import { liveKitGroup } from "./livekit-fixture.ts";

type Session = Awaited<ReturnType<typeof groupSession>>;

/** Wait (a few seconds at most) for the stand-in to have seen a call matching `match`. */
async function seen(calls: LiveKitCall[], match: (c: LiveKitCall) => boolean): Promise<LiveKitCall> {
  for (let i = 0; i < 50; i++) {
    const found = calls.find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no such call; got ${JSON.stringify(calls.map((c) => [c.method, c.status]))}`);
}

const remove = (s: Session, id: string) =>
  s.call("DELETE", `/v1/sessions/${s.sessionId}/participants/${id}`, { token: s.facilitator });

describe("the video platform hears about removals", () => {
  it("a removal reaches LiveKit's RoomService within seconds, with a server token LiveKit accepts", async () => {
    const { s, livekit, name } = await liveKitGroup();
    const client = s.clients[0] as string;
    expect((await s.join(client)).status).toBe(200);
    expect((await remove(s, client)).status).toBe(200);
    const call = await seen(livekit.calls, (c) => c.method === "RemoveParticipant" && c.status === 200);
    expect(call).toMatchObject({ room: name, identity: client });
    expect(call.revokeTokenTs).toBeGreaterThanOrEqual(Math.floor(s.clock.now() / 1000));
    expect(call.claims?.video).toMatchObject({ room: name, roomAdmin: true });
  });

  it("a failed call is retried from the alarm and never blocks the facilitator", async () => {
    const { s, livekit, room } = await liveKitGroup();
    const client = s.clients[0] as string;
    await s.join(client);
    livekit.failNext(1);
    expect((await remove(s, client)).status).toBe(200);
    await seen(livekit.calls, (c) => c.method === "RemoveParticipant" && c.status === 503);
    expect(livekit.calls.filter((c) => c.status === 200)).toHaveLength(0);
    await runDurableObjectAlarm(room);
    const retried = await seen(livekit.calls, (c) => c.method === "RemoveParticipant" && c.status === 200);
    expect(retried.identity).toBe(client);
    await runDurableObjectAlarm(room);
    expect(livekit.calls.filter((c) => c.method === "RemoveParticipant")).toHaveLength(2);
  });

  it("a readmitted client's new token starts after LiveKit's revocation instant", async () => {
    const { s, livekit } = await liveKitGroup();
    const client = s.clients[0] as string;
    await s.join(client);
    await remove(s, client);
    const call = await seen(livekit.calls, (c) => c.method === "RemoveParticipant" && c.status === 200);
    const readmit = `/v1/sessions/${s.sessionId}/participants/${client}/readmit`;
    expect((await s.call("POST", readmit, { token: s.facilitator })).status).toBe(200);
    const again = await s.join(client);
    expect(again.status).toBe(200);
    expect(decodeJwt(again.body.token).nbf).toBeGreaterThanOrEqual(call.revokeTokenTs as number);
  });

  it("a discharge removes the client from the LiveKit room; closing deletes the room", async () => {
    const { s, livekit, name } = await liveKitGroup();
    const client = s.clients[1] as string;
    await s.join(client);
    const list = await s.call("GET", `/v1/programs/${s.programId}/enrollments`, { token: s.admin });
    const id = list.body.enrollments.find((e: { clientId: string }) => e.clientId === client).id;
    expect(
      (await s.call("PATCH", `/v1/enrollments/${id}`, { token: s.admin, body: { status: "discharged" } })).status,
    ).toBe(200);
    await seen(livekit.calls, (c) => c.method === "RemoveParticipant" && c.identity === client && c.status === 200);
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: s.facilitator })).status).toBe(200);
    const deleted = await seen(livekit.calls, (c) => c.method === "DeleteRoom" && c.status === 200);
    expect(deleted.room).toBe(name);
  });

  it("a native program tells no platform anything", async () => {
    const s = await groupSession({ clients: 1 });
    await s.open();
    await s.join(s.clients[0] as string);
    expect((await remove(s, s.clients[0] as string)).status).toBe(200);
    const pending = await runInDurableObject(env.ROOMS.getByName(s.sessionId), (_i, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM provider_calls").one(),
    );
    expect(pending.n).toBe(0);
  });
});
