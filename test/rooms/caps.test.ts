import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { groupSession } from "./fixtures.ts";

const statuses = (results: { status: number }[]) =>
  results.reduce<Record<number, number>>((acc, r) => {
    acc[r.status] = (acc[r.status] ?? 0) + 1;
    return acc;
  }, {});

describe("group caps under concurrency", () => {
  it("admits exactly 12 of 200 concurrent joins; the others get group-full", async () => {
    const s = await groupSession({ clients: 200 });
    expect((await s.open()).status).toBe(200);
    const tokens = await Promise.all(s.clients.map(s.clientToken));
    const results = await Promise.all(
      tokens.map((token) => s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token })),
    );
    expect(statuses(results)).toEqual({ 200: 12, 409: 188 });
    expect(results.filter((r) => r.status === 409).every((r) => r.body.type === "/problems/group-full")).toBe(true);
    const snap = await env.ROOMS.getByName(s.sessionId).snapshot();
    expect(snap.participants.filter((p) => p.seat === 1)).toHaveLength(12);
  }, 120_000);

  it("the last-seat race admits exactly one; a client joining 20 times holds one seat; a leave frees one", async () => {
    const s = await groupSession({ clients: 14 });
    await s.open();
    for (const id of s.clients.slice(0, 11)) expect((await s.join(id)).status).toBe(200);
    const race = await Promise.all([s.join(s.clients[11] as string), s.join(s.clients[12] as string)]);
    expect(race.map((r) => r.status).sort()).toEqual([200, 409]);

    const again = await Promise.all(Array.from({ length: 20 }, () => s.join(s.clients[0] as string)));
    expect(statuses(again)).toEqual({ 200: 20 });
    expect((await env.ROOMS.getByName(s.sessionId).snapshot()).participants.filter((p) => p.seat === 1)).toHaveLength(
      12,
    );

    expect((await s.join(s.clients[13] as string)).status).toBe(409);
    const leave = await s.call("POST", `/v1/sessions/${s.sessionId}/leave`, {
      token: await s.clientToken(s.clients[0] as string),
    });
    expect(leave.status).toBe(200);
    const after = await Promise.all([s.join(s.clients[13] as string), s.join(s.clients[12] as string)].filter(Boolean));
    expect(statuses(after)[200]).toBe(1);
  }, 60_000);

  it("facilitators and observers take no client seat", async () => {
    const s = await groupSession({ clients: 2, cap: 1 });
    await s.open();
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: s.facilitator })).status).toBe(200);
    const observer = await s.token("admin", "adm_obs", s.programId);
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: observer })).status).toBe(200);
    expect((await s.join(s.clients[0] as string)).status).toBe(200);
    expect((await s.join(s.clients[1] as string)).status).toBe(409);
  });

  it("keeps seats across a Durable Object restart", async () => {
    const s = await groupSession({ clients: 3, cap: 2 });
    await s.open();
    expect((await s.join(s.clients[0] as string)).status).toBe(200);
    expect((await s.join(s.clients[1] as string)).status).toBe(200);
    await evictDurableObject(env.ROOMS.getByName(s.sessionId));
    expect((await s.join(s.clients[2] as string)).status).toBe(409);
    expect((await s.join(s.clients[0] as string)).status).toBe(200);
  });

  it("a cap lowered below occupancy stops new joins and evicts nobody", async () => {
    const s = await groupSession({ clients: 4, cap: 3 });
    await s.open();
    for (const id of s.clients.slice(0, 3)) expect((await s.join(id)).status).toBe(200);
    const lowered = await s.call("PATCH", `/v1/sessions/${s.sessionId}`, { token: s.admin, body: { cap: 2 } });
    expect(lowered.status).toBe(200);
    expect(lowered.body).toMatchObject({ cap: 2, version: 1 });
    expect((await s.join(s.clients[3] as string)).status).toBe(409);
    expect((await s.join(s.clients[0] as string)).status).toBe(200);
    expect((await env.ROOMS.getByName(s.sessionId).snapshot()).participants.filter((p) => p.seat === 1)).toHaveLength(
      3,
    );
  });
});
