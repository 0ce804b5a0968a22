import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PASS_LEASE_MS, RoomPasses } from "../../src/rooms/room-passes.ts";
import { enrollmentOf, groupSession } from "./fixtures.ts";

// Issue 20: a join is one call to the room, which asks the program's directory for the caller's
// ticket unless it holds a pass for them (src/rooms/room-passes.ts). These walk the orders in which
// a pass and the changes that must end it can meet.

/** The rooms as the Worker sees them, except that telling a room of a dismissal fails (a lost call). */
const deafToDismissals = {
  getByName: (name: string) => {
    const room = env.ROOMS.getByName(name);
    return {
      bind: (...args: Parameters<typeof room.bind>) => room.bind(...args),
      dismiss: async () => {
        throw new Error("network connection lost");
      },
    };
  },
} as unknown as Env["ROOMS"];

describe("the room's passes", () => {
  it("hold the directory's answer for the lease, to the millisecond, for the same roles only", () => {
    const passes = new RoomPasses();
    const joiner = { id: "clt_1", role: "client" as const, makeUp: false, expected: [] };
    passes.grant(joiner, ["client"], 1_000);
    expect(passes.valid("clt_1", ["client"], 1_000)).toEqual(joiner);
    expect(passes.valid("clt_1", ["client"], 1_000 + PASS_LEASE_MS - 1)).toEqual(joiner);
    expect(passes.valid("clt_1", ["client"], 1_000 + PASS_LEASE_MS)).toBeNull();
    expect(passes.valid("clt_1", ["client"], 999)).toBeNull();
    expect(passes.valid("clt_1", ["client", "admin"], 1_000)).toBeNull();
    expect(passes.valid("clt_2", ["client"], 1_000)).toBeNull();
    passes.end("clt_1");
    expect(passes.valid("clt_1", ["client"], 1_000)).toBeNull();
    passes.grant(joiner, ["client"], 1_000);
    passes.clear();
    expect(passes.valid("clt_1", ["client"], 1_000)).toBeNull();
  });

  it("a discharge that reaches the room ends the pass at once; a rejoin is refused", async () => {
    const s = await groupSession({ clients: 2 });
    await s.open();
    const [a, b] = s.clients as [string, string];
    expect((await s.join(a)).status).toBe(200);
    expect((await s.join(a)).status).toBe(200);
    const discharged = await s.call("PATCH", `/v1/enrollments/${await enrollmentOf(s, a)}`, {
      token: s.admin,
      body: { status: "discharged" },
    });
    expect(discharged.status).toBe(200);
    expect((await s.join(a)).status).toBe(403);
    expect((await s.join(b)).status).toBe(200);
  });

  it("a discharge the room never heard counts once the lease runs out, and not later", async () => {
    const s = await groupSession({ clients: 1 });
    await s.open();
    const a = s.clients[0] as string;
    expect((await s.join(a)).status).toBe(200);
    const discharged = await s.call("PATCH", `/v1/enrollments/${await enrollmentOf(s, a)}`, {
      token: s.admin,
      body: { status: "discharged" },
      env: { ROOMS: deafToDismissals },
    });
    expect(discharged.status).toBe(200);
    // The documented bound: the room has not heard, and the pass is younger than the lease.
    s.clock.advance(PASS_LEASE_MS - 1_000);
    expect((await s.join(a)).status).toBe(200);
    s.clock.advance(1_000);
    const late = await s.join(a);
    expect(late.status).toBe(403);
    expect(late.body.type).toBe("/problems/forbidden");
  });

  it("a removal ends the pass; a readmission lets the client back through the directory", async () => {
    const s = await groupSession({ clients: 1 });
    await s.open();
    const a = s.clients[0] as string;
    expect((await s.join(a)).status).toBe(200);
    const removed = await s.call("DELETE", `/v1/sessions/${s.sessionId}/participants/${a}`, { token: s.facilitator });
    expect(removed.status).toBe(200);
    expect((await s.join(a)).status).toBe(403);
    await s.call("POST", `/v1/sessions/${s.sessionId}/participants/${a}/readmit`, { token: s.facilitator });
    expect((await s.join(a)).status).toBe(200);
  });

  it("a cancellation ends every pass: the next joins are refused, in either order of the clients", async () => {
    const s = await groupSession({ clients: 2 });
    await s.open();
    const [a, b] = s.clients as [string, string];
    expect((await s.join(a)).status).toBe(200);
    expect((await s.join(b)).status).toBe(200);
    const cancelled = await s.call("POST", `/v1/sessions/${s.sessionId}/cancel`, { token: s.admin });
    expect(cancelled.status, cancelled.text).toBe(200);
    for (const who of [b, a]) expect((await s.join(who)).status).toBe(410);
  });

  it("a settings change reaches the open room at once: a seated client's next token is the new platform's", async () => {
    const s = await groupSession({ clients: 1 });
    await s.open();
    const a = s.clients[0] as string;
    expect((await s.join(a)).body.provider).toBe("native");
    const moved = await s.call("PATCH", `/v1/programs/${s.programId}`, {
      token: s.admin,
      body: { settings: { videoProvider: "livekit" } },
    });
    expect(moved.status, moved.text).toBe(200);
    const next = await s.join(a);
    expect(next.status, next.text).toBe(200);
    expect(next.body.provider).toBe("livekit");
  });

  it("a token with other roles is asked about again: an admin's pass is not a client's", async () => {
    const s = await groupSession({ clients: 1 });
    await s.open();
    const a = s.clients[0] as string;
    expect((await s.join(a)).status).toBe(200);
    const other = await s.token("facilitator", a, s.programId);
    const res = await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: other });
    expect(res.status).toBe(403);
  });
});
