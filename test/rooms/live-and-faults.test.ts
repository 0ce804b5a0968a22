import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connect, groupSession } from "./fixtures.ts";

describe("the live channel", () => {
  it("tells a waiting client the moment they are admitted, and the facilitator who arrived", async () => {
    const s = await groupSession({ clients: 2, settings: { admissionPolicy: "manual" } });
    await s.open();
    const client = s.clients[0] as string;
    expect((await s.join(client)).status).toBe(202);
    const mine = await connect(s, await s.clientToken(client));
    expect(await mine.next("hello")).toMatchObject({ participantId: client, status: "waiting", roomState: "open" });
    const staff = await connect(s, s.facilitator);
    await s.call("POST", `/v1/sessions/${s.sessionId}/participants/${client}/admit`, { token: s.facilitator });
    expect(await mine.next("admitted")).toEqual({ type: "admitted", participantId: client });
    expect((await s.join(client)).status).toBe(200);
    expect(await staff.next("arrived")).toMatchObject({ participantId: client, role: "client" });

    const other = await connect(s, await s.clientToken(s.clients[1] as string));
    await other.next("hello");
    await s.call("DELETE", `/v1/sessions/${s.sessionId}/participants/${client}`, { token: s.facilitator });
    expect(await mine.next("removed")).toEqual({ type: "removed", participantId: client });
    await staff.next("removed");
    expect(other.messages.some((m) => m.type === "removed" || m.type === "admitted")).toBe(false);
    for (const c of [mine, staff, other]) c.ws.close(1000, "done");
  });

  it("refuses a socket without a valid token and a plain GET", async () => {
    const s = await groupSession({ clients: 1 });
    const res = await s.app.request(`/v1/sessions/${s.sessionId}/live`, { headers: { upgrade: "websocket" } }, env);
    expect(res.status).toBe(401);
    const plain = await s.call("GET", `/v1/sessions/${s.sessionId}/live`, { token: s.facilitator });
    expect(plain.status).toBe(426);
  });
});

describe("faults", () => {
  it.each([
    ["overloaded", { overloaded: true }],
    ["threw inside (remote)", { remote: true }],
    ["asks for a retry", { retryable: true }],
  ])("a Durable Object that %s answers 503 with Retry-After and admits nobody", async (_label, flags) => {
    const s = await groupSession({ clients: 1 });
    await s.open();
    const failing = {
      getByName: () => ({
        enter: async () => {
          throw Object.assign(new Error("Durable Object is overloaded. Too many requests queued."), flags);
        },
      }),
    };
    const res = await s.call("POST", `/v1/sessions/${s.sessionId}/join`, {
      token: await s.clientToken(s.clients[0] as string),
      env: { ROOMS: failing as unknown as Env["ROOMS"] },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(res.body.type).toBe("/problems/unavailable");
    expect(JSON.stringify(res.body)).not.toMatch(/overloaded|stack|at /);
    const snap = await env.ROOMS.getByName(s.sessionId).snapshot();
    expect(snap.participants).toHaveLength(0);
  });
});
