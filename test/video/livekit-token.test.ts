import { decodeJwt, decodeProtectedHeader } from "jose";
import { AccessToken, TokenVerifier, type VideoGrant } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import type { JoinRole } from "../../schemas/join-token.ts";
import { callName } from "../../src/tokens/call-name.ts";
import { mintLiveKitToken } from "../../src/video/livekit/token.ts";
import { PERSONAL, readable } from "../tokens/fixtures.ts";

const creds = { apiKey: "APIk3yT3st0001", apiSecret: "s3cr3t-for-tests-0123456789abcdefghijklmnop" };
// TokenVerifier reads the real clock, so these tokens live around the real now.
const now = Math.floor(Date.now() / 1000);
const identity = "clt_7f3k2p9dq1x8c3v5b4k9";
const room = "r_8c3v5b4k9d2m7q1x0abcdefgh";

function join(role: JoinRole, over: { nbf?: number; exp?: number; name?: string } = {}) {
  const name = callName(role, identity, null);
  return { identity, room, role, nbf: now - 5, exp: now + 600, jti: "jti_0123456789abcdefghjk", now, name, ...over };
}

/** The grants each role must get, typed against the SDK's own `VideoGrant` so a misspelt flag fails to compile. */
const expected: Record<JoinRole, VideoGrant> = {
  facilitator: { room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true, roomAdmin: true },
  observer: { room, roomJoin: true, canPublish: false, canSubscribe: true, canPublishData: false, hidden: true },
  client: { room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true },
  family: { room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true },
};

describe("LiveKit access token", () => {
  for (const role of ["facilitator", "observer", "client", "family"] as const) {
    it(`passes livekit-server-sdk's TokenVerifier with exactly the ${role} grants`, async () => {
      const token = await mintLiveKitToken(creds, join(role));
      const claims = await new TokenVerifier(creds.apiKey, creds.apiSecret).verify(token);
      expect(decodeProtectedHeader(token).alg).toBe("HS256");
      expect(claims).toEqual({
        iss: creds.apiKey,
        sub: identity,
        iat: now,
        nbf: now - 5,
        exp: now + 600,
        jti: "jti_0123456789abcdefghjk",
        name: callName(role, identity, null),
        video: expected[role],
      });
    });
  }

  it("spells the grant as LiveKit's own AccessToken does", async () => {
    for (const role of ["facilitator", "observer", "client"] as const) {
      const reference = new AccessToken(creds.apiKey, creds.apiSecret, { identity, ttl: 600, name: "Sam R." });
      reference.addGrant(expected[role]);
      const theirs = decodeJwt(await reference.toJwt());
      const ours = decodeJwt(await mintLiveKitToken(creds, join(role, { name: "Sam R." })));
      expect(ours.video).toEqual(theirs.video);
      expect(ours.name).toBe(theirs.name);
      expect(ours.sub).toBe(theirs.sub);
      expect(ours.iss).toBe(theirs.iss);
    }
  });

  it("is refused by LiveKit with another secret or API key, after exp and before nbf", async () => {
    const token = await mintLiveKitToken(creds, join("client"));
    await expect(new TokenVerifier(creds.apiKey, `${creds.apiSecret}x`).verify(token)).rejects.toThrow();
    await expect(new TokenVerifier("APIother", creds.apiSecret).verify(token)).rejects.toThrow();
    const expired = await mintLiveKitToken(creds, join("client", { nbf: now - 3600, exp: now - 60 }));
    await expect(new TokenVerifier(creds.apiKey, creds.apiSecret).verify(expired)).rejects.toThrow();
    const early = await mintLiveKitToken(creds, join("client", { nbf: now + 600, exp: now + 1200 }));
    await expect(new TokenVerifier(creds.apiKey, creds.apiSecret).verify(early)).rejects.toThrow();
  });

  it("shows a display name only when given one, else an alias per role that stays the same for the same person", async () => {
    const named = await new TokenVerifier(creds.apiKey, creds.apiSecret).verify(
      await mintLiveKitToken(creds, join("client", { name: "Sam R." })),
    );
    expect(named.name).toBe("Sam R.");
    const alias = callName("client", identity, null);
    expect(alias).toMatch(/^Participant \d{4}$/);
    expect(callName("client", identity, undefined)).toBe(alias);
    expect(callName("facilitator", "stf_demo00000001", null)).toMatch(/^Facilitator \d{4}$/);
    expect(callName("family", identity, null)).toMatch(/^Family member \d{4}$/);
    expect(callName("client", "clt_other0000001", null)).not.toBe(alias);
  });

  it("carries no real name without one, no metadata or personal string, and refuses non-opaque identities or rooms", async () => {
    for (const role of ["facilitator", "observer", "client", "family"] as const) {
      const token = await mintLiveKitToken(creds, join(role));
      const claims = decodeJwt(token);
      expect(claims.name).toBe(callName(role, identity, null));
      expect(Object.keys(claims)).not.toContain("metadata");
      expect(Object.keys(claims)).not.toContain("attributes");
      const text = readable(token).toLowerCase();
      for (const s of PERSONAL) expect(text).not.toContain(s.toLowerCase());
    }
    expect(() => mintLiveKitToken(creds, { ...join("client"), identity: "maria.gonzalez@example.com" })).toThrow();
    expect(() => mintLiveKitToken(creds, { ...join("client"), identity: "Maria Gonzalez" })).toThrow();
    expect(() => mintLiveKitToken(creds, { ...join("client"), room: "Opioid Recovery Group" })).toThrow();
    expect(() => mintLiveKitToken({ apiKey: "", apiSecret: "x" }, join("client"))).toThrow();
  });
});
