import { errors, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import type { JoinGrant, JoinRole } from "../../schemas/join-token.ts";
import { callName } from "../../src/tokens/call-name.ts";
import { mintZoomToken, zoomUserIdentity, zoomUserName, zoomWindow } from "../../src/video/zoom/token.ts";
import { PERSONAL, readable } from "../tokens/fixtures.ts";

const now = Math.floor(Date.now() / 1000);
const config = { sdkKey: "vsdkKeyT3st0001", sdkSecret: "zoom-sdk-secret-for-tests-0123456789abcdef" };
const secret = new TextEncoder().encode(config.sdkSecret);
const sub = "clt_7f3k2p9dq1x8c3v5b4k9";
const room = "r_8c3v5b4k9d2m7q1x0abcdefgh";
const roles = ["client", "facilitator", "observer", "family"] as const;
const HOUR = 3600;

function request(role: JoinRole, over: Partial<JoinGrant> = {}, name?: string) {
  const grant: JoinGrant = {
    sub,
    sid: "ses_4k9d2m7q1x8c3v5b0abc",
    room,
    role,
    nbf: now - 60,
    exp: now + 3 * HOUR,
    jti: "jti_0123456789abcdefghjk",
    ...over,
  };
  return { grant, callName: name ?? callName(role, sub, null), now };
}

/** Verify as Zoom must: HS256 with the SDK secret only, at the given time. */
function verify(token: string, key = secret, at = now) {
  return jwtVerify(token, key, {
    algorithms: ["HS256"],
    typ: "JWT",
    requiredClaims: ["app_key", "tpc", "role_type", "version", "iat", "exp"],
    currentDate: new Date(at * 1000),
  });
}

describe("Zoom Video SDK token", () => {
  for (const role of roles) {
    it(`verifies with the SDK secret and carries exactly the ${role} claims, with no name`, async () => {
      const token = await mintZoomToken(config, request(role));
      const { payload, protectedHeader } = await verify(token);
      expect(protectedHeader).toEqual({ alg: "HS256", typ: "JWT" });
      expect(payload).toEqual({
        app_key: config.sdkKey,
        tpc: room,
        role_type: role === "facilitator" ? 1 : 0,
        version: 1,
        iat: now,
        exp: now + 3 * HOUR,
        user_identity: sub,
      });
      const text = readable(token).toLowerCase();
      expect(text).not.toContain(callName(role, sub, null).toLowerCase());
      for (const s of PERSONAL) expect(text).not.toContain(s.toLowerCase());
    });
  }

  it("hands the call name out for join() instead of the token", async () => {
    const req = request("client", {}, "Sam R.");
    expect(zoomUserName(req)).toBe("Sam R.");
    expect(readable(await mintZoomToken(config, req))).not.toContain("Sam R.");
  });

  it("binds the topic to the grant's room", async () => {
    const other = "r_0000000000000000other";
    expect((await verify(await mintZoomToken(config, request("client", { room: other })))).payload.tpc).toBe(other);
  });

  it("keeps exp − iat within Zoom's 1800 s … 48 h and never outlives the grant", async () => {
    // Less than half an hour left: exp stays the grant's, iat is dated back.
    const short = await verify(await mintZoomToken(config, request("client", { exp: now + 600 })));
    expect(short.payload.exp).toBe(now + 600);
    expect(short.payload.iat).toBe(now + 600 - 1860);
    // A three-day grant is cut to just under 48 h from now.
    const long = await verify(await mintZoomToken(config, request("client", { exp: now + 72 * HOUR })));
    expect(long.payload).toMatchObject({ iat: now, exp: now + 48 * HOUR - 60 });
    for (const left of [1, 60, 1799, 1800, 1860, 4 * HOUR, 48 * HOUR, 100 * HOUR]) {
      const { iat, exp } = zoomWindow(now, now + left);
      expect(exp - iat).toBeGreaterThanOrEqual(1800);
      expect(exp - iat).toBeLessThanOrEqual(48 * HOUR);
      expect(iat).toBeLessThanOrEqual(now);
      expect(exp).toBeLessThanOrEqual(now + left);
    }
  });

  it("is refused after exp, and not minted before nbf (Zoom reads no nbf) or after exp", async () => {
    const token = await mintZoomToken(config, request("client", { exp: now + 600 }));
    await expect(verify(token, secret, now + 601)).rejects.toBeInstanceOf(errors.JWTExpired);
    await expect(mintZoomToken(config, request("client", { nbf: now + 60, exp: now + HOUR }))).rejects.toThrow(
      RangeError,
    );
    await expect(mintZoomToken(config, request("client", { nbf: now - HOUR, exp: now }))).rejects.toThrow(RangeError);
  });

  it("fails verification with another SDK secret", async () => {
    const token = await mintZoomToken(config, request("facilitator"));
    await expect(verify(token, new TextEncoder().encode(`${config.sdkSecret}x`))).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
    const forged = await mintZoomToken({ ...config, sdkSecret: "another-secret-0123456789abcdef" }, request("client"));
    await expect(verify(forged)).rejects.toMatchObject({ code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
  });

  it("derives a stable user_identity of at most 35 characters from a long opaque id", async () => {
    const longSub = `stf_${"a".repeat(124)}`;
    const identity = await zoomUserIdentity(longSub);
    expect(identity).toMatch(/^u_[0-9a-f]{32}$/);
    expect(identity.length).toBeLessThanOrEqual(35);
    expect(await zoomUserIdentity(longSub)).toBe(identity);
    expect(await zoomUserIdentity(`stf_${"b".repeat(124)}`)).not.toBe(identity);
    const { payload } = await verify(await mintZoomToken(config, request("client", { sub: longSub })));
    expect(payload.user_identity).toBe(identity);
    expect(await zoomUserIdentity("x".repeat(35))).toBe("x".repeat(35));
  });

  it("adds geo_regions only when configured, and refuses bad config or a non-opaque grant", async () => {
    const pinned = await mintZoomToken({ ...config, geoRegions: ["US", "CA"] }, request("client"));
    expect((await verify(pinned)).payload.geo_regions).toBe("US,CA");
    const reject = (c: Parameters<typeof mintZoomToken>[0], over: Partial<JoinGrant> = {}) =>
      expect(mintZoomToken(c, request("client", over))).rejects.toThrow();
    await reject({ ...config, geoRegions: [] });
    await reject({ ...config, geoRegions: ["XX" as "US"] });
    await reject({ ...config, sdkKey: "" });
    await reject({ ...config, sdkSecret: "" });
    await reject(config, { sub: "maria.gonzalez@example.com" });
    await reject(config, { room: "Opioid Recovery Group" });
  });
});
