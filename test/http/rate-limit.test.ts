import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LIMITER_PERIODS } from "../../src/http/middleware/rate-limit.ts";
import { groupSession } from "../rooms/fixtures.ts";

describe("rate limits", () => {
  it("answer Retry-After with each limiter's period as wrangler.toml configures it", () => {
    const configured = JSON.parse(env.WRANGLER_RATELIMITS) as { name: string; simple: { period: number } }[];
    expect(Object.fromEntries(configured.map((r) => [r.name, r.simple.period]))).toEqual(LIMITER_PERIODS);
  });

  it("throttles one caller hammering join with 429 and Retry-After; others are unaffected", async () => {
    const s = await groupSession({ clients: 2 });
    await s.open();
    const token = await s.clientToken(s.clients[0] as string);
    const results = [];
    for (let i = 0; i < 40; i++) results.push(await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token }));
    const limited = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(30);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.headers.get("retry-after")).toBe("10");
    expect(limited[0]?.body.type).toBe("/problems/rate-limited");
    expect((await s.join(s.clients[1] as string)).status).toBe(200);
  });

  it("counts a caller's joins across sessions: made-up session ids do not each get a fresh allowance", async () => {
    const s = await groupSession({ clients: 2 });
    await s.open();
    const token = await s.clientToken(s.clients[0] as string);
    // Well-formed ids of the same program that name no session: each would otherwise wake a room.
    const base = s.sessionId.slice(0, -4);
    const statuses = [];
    for (let i = 0; i < 40; i++) {
      const made = `${base}${i.toString(32).padStart(4, "0")}`;
      statuses.push((await s.call("POST", `/v1/sessions/${made}/join`, { token })).status);
    }
    expect(statuses.filter((x) => x === 404).length).toBeLessThanOrEqual(30);
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThan(0);
    expect(statuses.every((x) => x === 404 || x === 429)).toBe(true);
    // Another caller still joins the real session.
    expect((await s.join(s.clients[1] as string)).status).toBe(200);
  });

  it("throttles invite-code guessing per address", async () => {
    const s = await groupSession({ clients: 1 });
    const statuses = [];
    for (let i = 0; i < 25; i++) {
      const res = await s.call("POST", "/v1/invites/exchange", {
        body: { code: "guess" },
        headers: { "cf-connecting-ip": "203.0.113.9" },
      });
      statuses.push(res.status);
    }
    expect(statuses.filter((x) => x === 401).length).toBe(20);
    expect(statuses.filter((x) => x === 429).length).toBe(5);
  });
});
