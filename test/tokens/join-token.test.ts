import fc from "fast-check";
import { base64url, createLocalJWKSet, generateKeyPair, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { mintApiToken } from "../../src/tokens/api-token.ts";
import { mintJoinToken, verifyJoinToken } from "../../src/tokens/join-token.ts";
import type { KeyRing } from "../../src/tokens/keys.ts";
import { AUDIENCE, CTX_NOW, freshRing, grant, ISSUER, PERSONAL, readable, rotatedRings } from "./fixtures.ts";

const ctx = { issuer: ISSUER, audience: AUDIENCE, now: CTX_NOW };
let ring: KeyRing;
beforeAll(async () => {
  ring = await freshRing();
});

/** A token signed by `key` with exactly this header and payload, for attacks the minter would refuse. */
function signRaw(payload: JWTPayload, header: Record<string, unknown>, key: CryptoKey | Uint8Array) {
  return new SignJWT(payload).setProtectedHeader(header as never).sign(key);
}
function fullClaims(over: Record<string, unknown> = {}): JWTPayload {
  const { sub, sid, room, role, nbf, exp, jti } = grant();
  const all: Record<string, unknown> = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub,
    sid,
    room,
    role,
    iat: CTX_NOW,
    nbf,
    exp,
    jti,
  };
  return Object.fromEntries(Object.entries({ ...all, ...over }).filter(([, v]) => v !== undefined));
}

describe("native join token", () => {
  it("verifies with plain jose against the served JWKS, with the pinned header and exactly the claims", async () => {
    const token = await mintJoinToken(ring, grant(), ctx);
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(ring.publicJwks), {
      algorithms: ["EdDSA"],
      issuer: ISSUER,
      audience: AUDIENCE,
      typ: "iop-join+jwt",
      currentDate: new Date(CTX_NOW * 1000),
    });
    expect(protectedHeader).toEqual({ alg: "EdDSA", kid: ring.kid, typ: "iop-join+jwt" });
    expect(payload).toEqual(fullClaims());
    expect(await verifyJoinToken(token, ring, ctx)).toEqual({ ok: true, claims: fullClaims() });
  });

  it("still verifies a token signed by the second key of a two-key ring (rotation)", async () => {
    const { oldFirst, newFirst } = await rotatedRings();
    const byNew = await mintJoinToken(newFirst, grant(), ctx);
    const byOld = await mintJoinToken(oldFirst, grant(), ctx);
    expect(await verifyJoinToken(byNew, oldFirst, ctx)).toMatchObject({ ok: true });
    expect(await verifyJoinToken(byOld, newFirst, ctx)).toMatchObject({ ok: true });
    // Once the old key leaves the set, its tokens stop verifying.
    expect(await verifyJoinToken(byOld, ring, ctx)).toEqual({ ok: false, reason: "unknown-key" });
  });

  it("is valid exactly from nbf to before exp under a moved clock", async () => {
    const g = grant();
    const token = await mintJoinToken(ring, g, ctx);
    expect(await verifyJoinToken(token, ring, { ...ctx, now: g.nbf - 1 })).toEqual({
      ok: false,
      reason: "not-yet-valid",
    });
    expect(await verifyJoinToken(token, ring, { ...ctx, now: g.nbf })).toMatchObject({ ok: true });
    expect(await verifyJoinToken(token, ring, { ...ctx, now: g.exp - 1 })).toMatchObject({ ok: true });
    expect(await verifyJoinToken(token, ring, { ...ctx, now: g.exp })).toEqual({ ok: false, reason: "expired" });
    expect(await verifyJoinToken(token, ring, { ...ctx, now: g.exp + 86_400 })).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  it("refuses a wrong audience or issuer", async () => {
    const token = await mintJoinToken(ring, grant(), ctx);
    expect(await verifyJoinToken(token, ring, { ...ctx, audience: "urn:iop-orchestrator:api" })).toEqual({
      ok: false,
      reason: "claims",
    });
    expect(await verifyJoinToken(token, ring, { ...ctx, issuer: "urn:someone-else" })).toEqual({
      ok: false,
      reason: "claims",
    });
  });

  it("refuses the product's bearer token (typ at+jwt) and any other typ", async () => {
    const bearer = await mintApiToken(ring, { sub: "clt_7f3k2p9dq1x8c3v5b4k9", roles: ["client"], ...ctx });
    expect(await verifyJoinToken(bearer, ring, { ...ctx, audience: "urn:iop-orchestrator:join" })).toMatchObject({
      ok: false,
    });
    // Same claims as a genuine join token, only the typ differs.
    for (const typ of ["at+jwt", "JWT", undefined]) {
      const token = await signRaw(fullClaims(), { alg: "EdDSA", kid: ring.kid, typ }, ring.privateKey);
      expect(await verifyJoinToken(token, ring, ctx)).toEqual({ ok: false, reason: "claims" });
    }
  });

  it("refuses alg none, HS256 keyed with the public key, and unlisted algorithms", async () => {
    const enc = (o: unknown) => base64url.encode(JSON.stringify(o));
    for (const alg of ["none", "None", "NONE"]) {
      const unsigned = `${enc({ alg, kid: ring.kid, typ: "iop-join+jwt" })}.${enc(fullClaims())}.`;
      expect(await verifyJoinToken(unsigned, ring, ctx)).toMatchObject({ ok: false });
    }
    const pub = ring.publicJwks.keys[0] as { x: string };
    for (const secret of [base64url.decode(pub.x), new TextEncoder().encode(JSON.stringify(pub))]) {
      const token = await signRaw(fullClaims(), { alg: "HS256", kid: ring.kid, typ: "iop-join+jwt" }, secret);
      expect(await verifyJoinToken(token, ring, ctx)).toEqual({ ok: false, reason: "algorithm" });
    }
    const { privateKey: es } = await generateKeyPair("ES256");
    const token = await signRaw(fullClaims(), { alg: "ES256", kid: ring.kid, typ: "iop-join+jwt" }, es);
    expect(await verifyJoinToken(token, ring, ctx)).toEqual({ ok: false, reason: "algorithm" });
  });

  it("refuses an unknown kid, and a foreign key claiming our kid", async () => {
    const { privateKey } = await generateKeyPair("EdDSA");
    const unknown = await signRaw(fullClaims(), { alg: "EdDSA", kid: "k-not-ours", typ: "iop-join+jwt" }, privateKey);
    expect(await verifyJoinToken(unknown, ring, ctx)).toEqual({ ok: false, reason: "unknown-key" });
    const spoofed = await signRaw(fullClaims(), { alg: "EdDSA", kid: ring.kid, typ: "iop-join+jwt" }, privateKey);
    expect(await verifyJoinToken(spoofed, ring, ctx)).toEqual({ ok: false, reason: "signature" });
  });

  it("refuses a genuinely signed token missing a required claim or carrying extra or malformed ones", async () => {
    const header = { alg: "EdDSA", kid: ring.kid, typ: "iop-join+jwt" };
    for (const missing of ["jti", "exp", "iat", "nbf", "sub", "sid", "room", "role"]) {
      const token = await signRaw(fullClaims({ [missing]: undefined }), header, ring.privateKey);
      expect(await verifyJoinToken(token, ring, ctx), missing).toEqual({ ok: false, reason: "claims" });
    }
    for (const over of [
      { name: "Maria Gonzalez" },
      { role: "admin" },
      { sub: "maria.gonzalez@example.com" },
      { room: "Opioid Recovery Group" },
      { aud: [AUDIENCE, "urn:other"] },
    ]) {
      const token = await signRaw(fullClaims(over), header, ring.privateKey);
      expect(await verifyJoinToken(token, ring, ctx), JSON.stringify(over)).toEqual({ ok: false, reason: "claims" });
    }
  });

  it("refuses oversize, empty and garbage input before any parsing", async () => {
    const token = await mintJoinToken(ring, grant(), ctx);
    expect(await verifyJoinToken("a".repeat(4097), ring, ctx)).toEqual({ ok: false, reason: "length" });
    expect(await verifyJoinToken(`${token}${"A".repeat(4097 - token.length)}`, ring, ctx)).toEqual({
      ok: false,
      reason: "length",
    });
    expect(await verifyJoinToken("", ring, ctx)).toEqual({ ok: false, reason: "length" });
    for (const junk of ["x", "a.b", "a.b.c.d", "..", "eyJ.eyJ.sig", `${token}.`, ` ${token}`]) {
      expect(await verifyJoinToken(junk, ring, ctx), junk).toMatchObject({ ok: false });
    }
  });

  it("flipping any single character of header, payload or signature fails verification, never throws", async () => {
    const token = await mintJoinToken(ring, grant(), ctx);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. ".split("");
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.constantFrom(...alphabet), async (i, c) => {
        fc.pre(token[i] !== "." && token[i] !== c);
        const tampered = token.slice(0, i) + c + token.slice(i + 1);
        const result = await verifyJoinToken(tampered, ring, ctx);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 400 },
    );
    // The signature's last character carries unused bits: every other spelling is refused too.
    for (const c of alphabet.slice(0, 64)) {
      if (c === token.at(-1)) continue;
      expect((await verifyJoinToken(token.slice(0, -1) + c, ring, ctx)).ok).toBe(false);
    }
  });

  it("mints only opaque data: refuses names, e-mails and readable room names; no personal string inside", async () => {
    expect(() => mintJoinToken(ring, grant({ sub: "maria.gonzalez@example.com" }), ctx)).toThrow();
    expect(() => mintJoinToken(ring, grant({ sub: "Maria Gonzalez" }), ctx)).toThrow();
    expect(() => mintJoinToken(ring, grant({ room: "opioid_recovery_group" }), ctx)).toThrow();
    expect(() => mintJoinToken(ring, grant({ nbf: CTX_NOW, exp: CTX_NOW }), ctx)).toThrow();
    for (const role of ["client", "facilitator", "observer", "family"] as const) {
      const text = readable(await mintJoinToken(ring, grant({ role }), ctx)).toLowerCase();
      for (const s of PERSONAL) expect(text).not.toContain(s.toLowerCase());
    }
  });
});
