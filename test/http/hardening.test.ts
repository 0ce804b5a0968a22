import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mintApiToken } from "../../src/tokens/api-token.ts";
import { loadKeyRing } from "../../src/tokens/keys.ts";
import { livekitAuthorization } from "../calendar/providers/senders.ts";
import { createProgram, harness } from "../helpers.ts";
import { groupSession } from "../rooms/fixtures.ts";

/** Findings of the audit run (issue 15) that are not about the trail itself. */
describe("hardening", () => {
  it("refuses a bearer token whose lifetime exceeds 12 hours, even one signed with the product's own key", async () => {
    const h = harness();
    const ring = await loadKeyRing(env.SIGNING_KEYS);
    const now = Math.floor(h.clock.now() / 1000);
    const mint = (ttlSeconds: number) =>
      mintApiToken(ring, {
        sub: "adm_long",
        roles: ["admin"],
        issuer: env.TOKEN_ISSUER,
        audience: env.TOKEN_AUDIENCE,
        now,
        ttlSeconds,
      });
    const yearLong = await h.call("POST", "/v1/programs", {
      token: await mint(365 * 86_400),
      body: { name: "P", timezone: "UTC" },
    });
    expect(yearLong.status).toBe(401);
    const dayLong = await h.call("POST", "/v1/programs", {
      token: await mint(12 * 3600),
      body: { name: "P", timezone: "UTC" },
    });
    expect(dayLong.status).toBe(201);
  });

  it.each([
    ["a NUL", "Group\u0000A"],
    ["an ESC", "Group\u001b[31m"],
    ["a right-to-left override", "Group \u202eevil"],
    ["a bidi isolate", "Group \u2066x\u2069"],
    ["a lone surrogate", "Group \ud800"],
  ])(
    "refuses %s in a program's or a track's name and a calendar mapping's reference, naming the field",
    async (_what, name) => {
      const h = harness();
      const admin = await h.token("admin", "adm_1");
      const program = await h.call("POST", "/v1/programs", { token: admin, body: { name, timezone: "UTC" } });
      expect(program.status).toBe(400);
      expect(program.body.errors[0].path).toBe("name");
      const programId = await createProgram(h.call, admin);
      const track = await h.call("POST", `/v1/programs/${programId}/tracks`, {
        token: admin,
        body: { name, days: ["MO"], startTime: "09:00", endTime: "10:00", startsOn: "2030-01-07" }, // date-ok: refused before any date matters
      });
      expect(track.status).toBe(400);
      expect(track.body.errors[0].path).toBe("name");
      // The same for the references a clinic types into its calendar mappings.
      const mapping = await h.call("PUT", `/v1/programs/${programId}/integrations/calendar`, {
        token: admin,
        body: { mappings: [{ source: "calcom", trackRef: name, kind: "individual", facilitatorIds: ["fac_1"] }] },
      });
      expect(mapping.status).toBe(400);
      expect(mapping.body.errors[0].path).toBe("mappings.0.trackRef");
    },
  );

  it("a roster is for the session's own facilitators and the program's admins only", async () => {
    const s = await groupSession({ clients: 1 });
    const path = `/v1/sessions/${s.sessionId}/attendance`;
    expect((await s.call("GET", path, { token: s.facilitator })).status).toBe(200);
    expect((await s.call("GET", path, { token: s.admin })).status).toBe(200);
    const other = await s.token("facilitator", "fac_other", s.programId);
    const refused = await s.call("GET", path, { token: other });
    expect(refused.status).toBe(403);
  });

  it("unsigned junk from one address cannot starve a program's genuine LiveKit deliveries", async () => {
    const s = await groupSession({ clients: 1, settings: { videoProvider: "livekit" } });
    const path = `/v1/webhooks/video/${s.programId}/livekit`;
    const junk = () =>
      s.call("POST", path, {
        raw: "{}",
        headers: { "content-type": "application/webhook+json", "cf-connecting-ip": "203.0.113.9", authorization: "x" },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 620; i++) statuses.push((await junk()).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((x) => x !== 429 && x !== 401)).toEqual([]);
    const body = JSON.stringify({
      id: "EV_real",
      event: "room_started",
      createdAt: String(Math.floor(Date.now() / 1000)),
      room: { sid: "RM_x", name: "x" },
    });
    s.clock.set(Date.now());
    const genuine = await s.call("POST", path, {
      raw: body,
      headers: {
        "content-type": "application/webhook+json",
        "cf-connecting-ip": "198.51.100.7",
        authorization: await livekitAuthorization(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET, body),
      },
    });
    expect(genuine.status, genuine.text).toBe(200);
  });
});
