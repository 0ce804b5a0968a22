import { decodeProtectedHeader, errors, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { JoinGrant, JoinRole } from "../../schemas/join-token.ts";
import { callName } from "../../src/tokens/call-name.ts";
import { importJaasKey, type JaasConfig, jaasRoomName, mintJaasToken } from "../../src/video/jitsi/token.ts";
import { PERSONAL, readable } from "../tokens/fixtures.ts";

const now = Math.floor(Date.now() / 1000);
const appId = "vpaas-magic-cookie-1fc542a3e4414a44b2611668195e2bfe";
const kid = `${appId}/4f4910`;
const sub = "clt_7f3k2p9dq1x8c3v5b4k9";
const room = "r_8c3v5b4k9d2m7q1x0abcdefgh";
const roles = ["client", "facilitator", "observer", "family"] as const;

function grant(role: JoinRole, over: Partial<JoinGrant> = {}): JoinGrant {
  return {
    sub,
    sid: "ses_4k9d2m7q1x8c3v5b0abc",
    room,
    role,
    nbf: now - 60,
    exp: now + 3600,
    jti: "jti_0123456789abcdefghjk",
    ...over,
  };
}

function request(role: JoinRole, over: Partial<JoinGrant> = {}) {
  return { grant: grant(role, over), callName: callName(role, sub, null), now };
}

/** An RS256 key pair as the JaaS console's is: the private half exported as PKCS#8 PEM. */
async function keyPair(): Promise<{ pem: string; publicKey: CryptoKey }> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const der = new Uint8Array((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
  const b64 = btoa(String.fromCharCode(...der)).replace(/.{64}/g, "$&\n");
  return { pem: `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`, publicKey: pair.publicKey };
}

/** Verify as JaaS must: RS256 only, its fixed issuer and audience, our tenant, at the real now. */
function verify(token: string, key: CryptoKey, at = now) {
  return jwtVerify(token, key, {
    algorithms: ["RS256"],
    issuer: "chat",
    audience: "jitsi",
    subject: appId,
    typ: "JWT",
    requiredClaims: ["room", "context", "nbf", "exp", "iat", "jti"],
    currentDate: new Date(at * 1000),
  });
}

const off = {
  livestreaming: "false",
  recording: "false",
  transcription: "false",
  "sip-inbound-call": "false",
  "sip-outbound-call": "false",
  "inbound-call": "false",
  "outbound-call": "false",
  "file-upload": "false",
} as const;

const expected: Record<JoinRole, { moderator: string; features: Record<string, string> }> = {
  facilitator: { moderator: "true", features: { ...off, "screen-sharing": "true" } },
  client: { moderator: "false", features: { ...off, "screen-sharing": "true" } },
  family: { moderator: "false", features: { ...off, "screen-sharing": "true" } },
  observer: { moderator: "false", features: { ...off, "screen-sharing": "false" } },
};

describe("JaaS (8x8 Jitsi as a Service) token", () => {
  let config: JaasConfig;
  let publicKey: CryptoKey;
  let otherPublicKey: CryptoKey;
  let otherConfig: JaasConfig;

  beforeAll(async () => {
    const mine = await keyPair();
    const theirs = await keyPair();
    config = { appId, kid, privateKey: await importJaasKey(mine.pem) };
    otherConfig = { appId, kid, privateKey: await importJaasKey(theirs.pem) };
    publicKey = mine.publicKey;
    otherPublicKey = theirs.publicKey;
  });

  for (const role of roles) {
    it(`verifies with the tenant's public key and carries exactly the ${role} claims`, async () => {
      const token = await mintJaasToken(config, request(role));
      const { payload, protectedHeader } = await verify(token, publicKey);
      expect(protectedHeader).toEqual({ alg: "RS256", typ: "JWT", kid });
      expect(payload).toEqual({
        aud: "jitsi",
        iss: "chat",
        sub: appId,
        room,
        iat: now,
        nbf: now - 60,
        exp: now + 3600,
        jti: "jti_0123456789abcdefghjk",
        context: {
          user: { id: sub, name: callName(role, sub, null), moderator: expected[role].moderator },
          features: expected[role].features,
        },
      });
      const text = readable(token).toLowerCase();
      for (const s of PERSONAL) expect(text).not.toContain(s.toLowerCase());
      expect(text).not.toContain("avatar");
      expect(text).not.toContain("email");
    });
  }

  it("only facilitators moderate, and nobody may record, stream, transcribe, dial or upload", async () => {
    for (const role of roles) {
      const { payload } = await verify(await mintJaasToken(config, request(role)), publicKey);
      const { user, features } = payload.context as { user: { moderator: string }; features: Record<string, string> };
      expect(user.moderator).toBe(role === "facilitator" ? "true" : "false");
      for (const f of Object.keys(off)) expect(features[f]).toBe("false");
      // The JaaS client accepts only these string values; a boolean or "yes" is a validation error.
      for (const v of Object.values(features)) expect(["true", "false"]).toContain(v);
    }
  });

  it("is bound to its room and tenant, and the IFrame room name is tenant/room", async () => {
    const token = await mintJaasToken(config, request("client"));
    const { payload } = await verify(token, publicKey);
    expect(payload.room).toBe(room);
    expect(jaasRoomName(config, room)).toBe(`${appId}/${room}`);
    // The JaaS client refuses a kid whose tenant is not `sub`.
    expect(decodeProtectedHeader(token).kid?.split("/")[0]).toBe(payload.sub);
    const other = await mintJaasToken(config, request("client", { room: "r_0000000000000000other" }));
    expect((await verify(other, publicKey)).payload.room).toBe("r_0000000000000000other");
  });

  it("takes nbf and exp from the grant: refused before nbf and after exp", async () => {
    const token = await mintJaasToken(config, request("client", { nbf: now + 600, exp: now + 1200 }));
    await expect(verify(token, publicKey)).rejects.toMatchObject({ code: "ERR_JWT_CLAIM_VALIDATION_FAILED" });
    expect((await verify(token, publicKey, now + 601)).payload).toMatchObject({ nbf: now + 600, exp: now + 1200 });
    await expect(verify(token, publicKey, now + 1201)).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it("fails verification with another tenant key's public half", async () => {
    await expect(verify(await mintJaasToken(config, request("client")), otherPublicKey)).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
    await expect(verify(await mintJaasToken(otherConfig, request("client")), publicKey)).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
  });

  it("refuses a misconfigured tenant, key id or key, and a non-opaque grant", async () => {
    const bad: Partial<JaasConfig>[] = [
      { appId: "my-app" },
      { appId: "vpaas-magic-cookie-XYZ" },
      { kid: "4f4910" },
      { kid: "vpaas-magic-cookie-00000000000000000000000000000000/4f4910" },
      { kid: `${appId}/` },
      { kid: `${appId}/4f4910/extra` },
      { privateKey: publicKey },
    ];
    for (const over of bad) expect(() => mintJaasToken({ ...config, ...over }, request("client"))).toThrow(RangeError);
    expect(() => mintJaasToken(config, request("client", { sub: "maria.gonzalez@example.com" }))).toThrow();
    expect(() => mintJaasToken(config, request("client", { room: "Opioid Recovery Group" }))).toThrow();
    expect(() => mintJaasToken(config, { ...request("client"), callName: " " })).toThrow(RangeError);
    await expect(
      importJaasKey("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----"),
    ).rejects.toThrow();
  });

  it("shows the display name only when the program gives one", async () => {
    const token = await mintJaasToken(config, { ...request("client"), callName: "Sam R." });
    const { payload } = await verify(token, publicKey);
    expect((payload.context as { user: { name: string } }).user.name).toBe("Sam R.");
  });
});
