import { afterAll, describe, expect, inject, it } from "vitest";
import { mintApiToken } from "../../src/tokens/api-token.ts";
import { generateSigningKeys } from "../../src/tokens/dev-keys.ts";
import { loadKeyRing } from "../../src/tokens/keys.ts";
import { freePort, startDev, stop, waitForBanner } from "./dev-server.mjs";
import { devDir, startReceiver } from "./event-receiver.mjs";

/**
 * Issue 19 against `wrangler dev`, as a clinic's EHR would see it: a receiver that verifies every
 * delivery with the standardwebhooks package, down while sessions are scheduled, the dev server
 * stopped with the backlog undelivered and started again over the same state, the receiver back:
 * every event arrives, at least once, and no two distinct events share an id.
 */
const waitFor = async (what: string, ok: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

describe("outbound events survive a dev-server restart mid-backlog", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it("a failing receiver, a restart with deliveries pending, and every event arrives once it recovers", {
    timeout: 300_000,
  }, async () => {
    const signingKeys = await generateSigningKeys();
    const { dir, remove } = await devDir({ SIGNING_KEYS: signingKeys, ROOM_SECRET: crypto.randomUUID() });
    cleanup.push(remove);
    const rxPort = await freePort(9600);
    const rx = await startReceiver(rxPort);
    cleanup.push(rx.close);

    const port = await freePort(8850);
    const base = `http://127.0.0.1:${port}`;
    const start = async () => {
      const dev = await startDev(dir, port);
      await waitForBanner(dev.child, dev.logPath);
      return dev.child;
    };
    let child = await start();
    cleanup.push(() => stop(child));

    const ring = await loadKeyRing(signingKeys);
    const admin = await mintApiToken(ring, {
      sub: "adm_events",
      roles: ["admin"],
      issuer: inject("e2e").issuer,
      audience: inject("e2e").audience,
      now: Math.floor(Date.now() / 1000),
    });
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${admin}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
    };

    const program = await api("POST", "/v1/programs", { name: "Events", timezone: "America/Los_Angeles" });
    expect(program.status, program.text).toBe(201);
    const programId = program.body.id as string;
    const made = await api("POST", `/v1/programs/${programId}/event-endpoints`, {
      url: `http://127.0.0.1:${rxPort}/hook`,
      events: ["session.scheduled", "session.cancelled"],
    });
    expect(made.status, made.text).toBe(201);
    rx.state.secret = made.body.secret;
    const endpointId = made.body.id as string;

    const day = Date.now() + 3 * 86_400_000;
    const sessions: string[] = [];
    for (let i = 0; i < 6; i++) {
      const s = await api("POST", `/v1/programs/${programId}/sessions`, {
        kind: "individual",
        startsAt: new Date(day + i * 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
        endsAt: new Date(day + i * 3600_000 + 1800_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
        facilitatorIds: [`fac_${i}`],
        clientIds: [`clt_${i}`],
      });
      expect(s.status, s.text).toBe(201);
      sessions.push(s.body.id);
    }
    expect((await api("POST", `/v1/sessions/${sessions[0]}/cancel`)).status).toBe(200);
    // Each of the 7 events is tried at once and refused by the receiver.
    await waitFor("first attempts", () => new Set(rx.state.got.map((g) => g.id)).size >= 7, 30_000);
    const log = await api("GET", `/v1/programs/${programId}/event-endpoints/${endpointId}/deliveries`);
    expect(log.body.deliveries.filter((d: { status: string }) => d.status === "pending")).toHaveLength(7);

    // The dev server goes down with all seven pending, the receiver recovers while it is down.
    await stop(child);
    rx.state.failing = false;
    child = await start();
    await waitFor(
      "every event delivered after the restart",
      () => new Set(rx.state.got.filter((g) => g.ok).map((g) => g.id)).size >= 7,
      90_000,
    );
    const delivered = rx.state.got.filter((g) => g.ok);
    // At least once each; one id per event (every copy of an id is the same event), none unsigned.
    const bodies = new Map<string, string>();
    for (const g of rx.state.got) {
      const seen = bodies.get(g.id);
      if (seen) expect(g.body).toBe(seen);
      bodies.set(g.id, g.body);
    }
    expect(new Set(bodies.values()).size).toBe(bodies.size);
    expect(rx.state.rejected).toBe(0);
    const types = [...bodies.values()].map((b) => JSON.parse(b) as { type: string; data: { sessionId: string } });
    expect(
      types
        .filter((t) => t.type === "session.scheduled")
        .map((t) => t.data.sessionId)
        .sort(),
    ).toEqual([...sessions].sort());
    expect(types.filter((t) => t.type === "session.cancelled").map((t) => t.data.sessionId)).toEqual([sessions[0]]);
    expect(new Set(delivered.map((d) => d.id)).size).toBe(7);
    const after = await api("GET", `/v1/programs/${programId}/event-endpoints/${endpointId}/deliveries`);
    expect(after.body.deliveries.map((d: { status: string }) => d.status)).toEqual(Array(7).fill("delivered"));
  });
});
