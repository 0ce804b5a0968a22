import { decodeJwt, decodeProtectedHeader } from "jose";
import { TokenVerifier } from "livekit-server-sdk";
import { beforeAll, describe, expect, it } from "vitest";
import { JoinUrlTemplate } from "../../schemas/join-token.ts";
import { newId } from "../../src/lib/ids.ts";
import { verifyJoinToken } from "../../src/tokens/join-token.ts";
import type { KeyRing } from "../../src/tokens/keys.ts";
import { roomName, tokenValidity } from "../../src/tokens/window.ts";
import { buildJoinUrl, issueProviderToken } from "../../src/video/credential.ts";
import { AUDIENCE, CTX_NOW, freshRing, grant, ISSUER, PERSONAL, readable } from "../tokens/fixtures.ts";

const livekit = { apiKey: "APIk3yT3st0001", apiSecret: "s3cr3t-for-tests-0123456789abcdefghijklmnop" };
let ring: KeyRing;
beforeAll(async () => {
  ring = await freshRing();
});
const deps = () => ({ ring, issuer: ISSUER, audience: AUDIENCE, now: CTX_NOW });

describe("issueProviderToken", () => {
  it("native: a join token that verifies, with expiresAt the token's exp", async () => {
    const g = grant();
    const r = await issueProviderToken("native", deps(), g);
    if (!r.ok) throw new Error(r.reason);
    expect(r.provider).toBe("native");
    expect(r.expiresAt).toBe(new Date(g.exp * 1000).toISOString().replace(".000Z", "Z"));
    expect(r.joinUrl).toBeUndefined();
    const v = await verifyJoinToken(r.token, ring, { issuer: ISSUER, audience: AUDIENCE, now: CTX_NOW });
    expect(v).toMatchObject({ ok: true, claims: { sub: g.sub, sid: g.sid, room: g.room, role: g.role, jti: g.jti } });
  });

  it("livekit: a token LiveKit accepts, identity the participant id", async () => {
    const now = Math.floor(Date.now() / 1000);
    const g = grant({ role: "facilitator", nbf: now - 5, exp: now + 300 });
    const r = await issueProviderToken("livekit", { ...deps(), now, livekit }, g);
    if (!r.ok) throw new Error(r.reason);
    expect(r.provider).toBe("livekit");
    const claims = await new TokenVerifier(livekit.apiKey, livekit.apiSecret).verify(r.token);
    expect(claims).toMatchObject({ sub: g.sub, exp: g.exp, jti: g.jti, video: { room: g.room, roomAdmin: true } });
  });

  it("refuses livekit without credentials instead of falling back to another token", async () => {
    const g = grant();
    expect(await issueProviderToken("livekit", deps(), g)).toEqual({ ok: false, reason: "provider-not-configured" });
    expect(await issueProviderToken("livekit", { ...deps(), livekit: { apiKey: "", apiSecret: "" } }, g)).toEqual({
      ok: false,
      reason: "provider-not-configured",
    });
  });

  it("fills the program's join link with the room and the URL-encoded token", async () => {
    const joinUrlTemplate = "https://meet.example/rooms/{room}#token={token}";
    const g = grant();
    const r = await issueProviderToken("native", { ...deps(), joinUrlTemplate }, g);
    if (!r.ok) throw new Error(r.reason);
    expect(r.joinUrl).toBe(`https://meet.example/rooms/${g.room}#token=${r.token}`);
    const url = new URL(r.joinUrl as string);
    expect(url.pathname).toBe(`/rooms/${g.room}`);
    expect(decodeURIComponent(url.hash.slice("#token=".length))).toBe(r.token);
  });
});

describe("buildJoinUrl", () => {
  it("substitutes only {room} and {token}, every occurrence, in one pass, encoded", () => {
    expect(buildJoinUrl("https://m.example/{room}/{room}?t={token}&x={name}&y={ROOM}", "r_a b", "t&k={room}")).toBe(
      "https://m.example/r_a%20b/r_a%20b?t=t%26k%3D%7Broom%7D&x={name}&y={ROOM}",
    );
  });

  it("validates templates: absolute https (or local http), not too long", () => {
    expect(JoinUrlTemplate.safeParse("https://meet.example/rooms/{room}#token={token}").success).toBe(true);
    expect(JoinUrlTemplate.safeParse("http://localhost:5173/join/{room}#token={token}").success).toBe(true);
    for (const bad of [
      "javascript:alert({token})",
      "http://meet.example/{room}#token={token}",
      "/rooms/{room}",
      "meet.example/{room}",
      `https://meet.example/${"a".repeat(1100)}`,
    ]) {
      expect(JoinUrlTemplate.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe("privacy of what is handed out", () => {
  it("no personal or treatment-revealing string in any token, room name or join link", async () => {
    const start = CTX_NOW - 600;
    const window = tokenValidity({
      now: CTX_NOW,
      startsAt: start,
      endsAt: start + 3 * 3600,
      joinWindowMinutes: 15,
      graceMinutes: 10,
    });
    if (!window.ok) throw new Error(window.reason);
    const sid = newId("ses");
    const room = await roomName(sid, "room-secret-for-tests-0123456789");
    expect(room).toMatch(/^[a-z0-9_]+$/);
    expect(room).not.toContain(sid);
    const joinUrlTemplate = "https://meet.example/rooms/{room}#token={token}";
    for (const provider of ["native", "livekit"] as const) {
      for (const role of ["client", "facilitator", "observer", "family"] as const) {
        const g = { sub: newId("clt"), sid, room, role, nbf: window.nbf, exp: window.exp, jti: newId("jti") };
        const r = await issueProviderToken(provider, { ...deps(), livekit, joinUrlTemplate }, g);
        if (!r.ok) throw new Error(r.reason);
        const text = `${readable(r.token)}\n${decodeURIComponent(r.joinUrl ?? "")}`.toLowerCase();
        for (const s of PERSONAL) expect(text).not.toContain(s.toLowerCase());
        // Words are checked on the decoded parts only: random signature bytes could spell anything.
        const readablePart = `${JSON.stringify(decodeProtectedHeader(r.token))}${JSON.stringify(decodeJwt(r.token))}`;
        const urlPart = (r.joinUrl ?? "").replace(encodeURIComponent(r.token), "");
        for (const word of ["opioid", "recovery", "group", "track", "@"]) {
          expect(`${readablePart}${urlPart}`.toLowerCase()).not.toContain(word);
        }
      }
    }
  });
});
