import { env } from "cloudflare:workers";
import { base64url, decodeJwt, exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { loadKeyRing } from "../../src/tokens/keys.ts";
import { futureMonday, zoned } from "../dates.ts";
import { createProgram, harness } from "../helpers.ts";

/** The injected clock: a Monday 09:00 in Los Angeles ahead of the real now, whole seconds. */
const NOW = Date.parse(zoned(futureMonday(), "09:00"));
const nowS = NOW / 1000;

/** A correctly signed token whose claims and header the test overrides. */
async function signed(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const ring = await loadKeyRing(env.SIGNING_KEYS);
  const base = {
    iss: env.TOKEN_ISSUER,
    aud: env.TOKEN_AUDIENCE,
    sub: "adm_attack",
    roles: ["admin"],
    iat: nowS,
    exp: nowS + 600,
    jti: crypto.randomUUID(),
  };
  const payload = Object.fromEntries(Object.entries({ ...base, ...claims }).filter(([, v]) => v !== undefined));
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "EdDSA", kid: ring.kid, typ: "at+jwt", ...header } as never)
    .sign(ring.privateKey);
}

const enc = (o: unknown) => base64url.encode(JSON.stringify(o));

async function expect401(token: string) {
  const { call } = harness(NOW);
  const res = await call("GET", "/v1/programs/prg_0000000000000000000a", { token });
  expect(res.status).toBe(401);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.body).toMatchObject({
    type: "/problems/unauthorized",
    status: 401,
    detail: "A valid bearer token is required.",
  });
  return res.body;
}

describe("bearer token attacks: each is the same 401, never a 500", () => {
  it("accepts the genuine token (so the refusals below mean something)", async () => {
    const { call } = harness(NOW);
    const res = await call("GET", "/v1/programs/prg_0000000000000000000a", { token: await signed({}) });
    expect(res.status).toBe(404);
  });

  it("refuses alg none in its spellings", async () => {
    const payload = enc({
      iss: env.TOKEN_ISSUER,
      aud: env.TOKEN_AUDIENCE,
      sub: "x",
      roles: ["admin"],
      iat: nowS,
      exp: nowS + 60,
      jti: "j",
    });
    for (const alg of ["none", "None", "NONE", "nOnE"]) {
      await expect401(`${enc({ alg, typ: "at+jwt" })}.${payload}.`);
    }
  });

  it("refuses HS256 signed with the public key's bytes", async () => {
    const ring = await loadKeyRing(env.SIGNING_KEYS);
    const pub = ring.publicJwks.keys[0] as { x: string };
    for (const secret of [base64url.decode(pub.x), new TextEncoder().encode(JSON.stringify(pub))]) {
      const token = await new SignJWT({ roles: ["admin"] })
        .setProtectedHeader({ alg: "HS256", kid: ring.kid, typ: "at+jwt" })
        .setIssuer(env.TOKEN_ISSUER)
        .setAudience(env.TOKEN_AUDIENCE)
        .setSubject("adm_x")
        .setIssuedAt(nowS)
        .setExpirationTime(nowS + 60)
        .setJti("j1")
        .sign(secret);
      await expect401(token);
    }
  });

  it("refuses an unlisted algorithm and a foreign key with our kid", async () => {
    const ring = await loadKeyRing(env.SIGNING_KEYS);
    const { privateKey } = await generateKeyPair("ES256");
    const token = await new SignJWT({ roles: ["admin"] })
      .setProtectedHeader({ alg: "ES256", kid: ring.kid, typ: "at+jwt" })
      .setIssuer(env.TOKEN_ISSUER)
      .setAudience(env.TOKEN_AUDIENCE)
      .setSubject("adm_x")
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + 60)
      .setJti("j2")
      .sign(privateKey);
    await expect401(token);
    const { privateKey: ed } = await generateKeyPair("EdDSA", { extractable: true });
    expect((await exportJWK(ed)).kty).toBe("OKP");
    await expect401(
      await new SignJWT({ roles: ["admin"] })
        .setProtectedHeader({ alg: "EdDSA", kid: ring.kid, typ: "at+jwt" })
        .setIssuer(env.TOKEN_ISSUER)
        .setAudience(env.TOKEN_AUDIENCE)
        .setSubject("adm_x")
        .setIssuedAt(nowS)
        .setExpirationTime(nowS + 60)
        .setJti("j3")
        .sign(ed),
    );
  });

  it("refuses missing exp, iat or jti, a wrong aud or iss, and a wrong typ", async () => {
    await expect401(await signed({ exp: undefined }));
    await expect401(await signed({ iat: undefined }));
    await expect401(await signed({ jti: undefined }));
    await expect401(await signed({ aud: "urn:someone-else" }));
    await expect401(await signed({ iss: "urn:someone-else" }));
    await expect401(await signed({}, { typ: "iop-join+jwt" }));
  });

  it("refuses expired and not-yet-valid tokens under a moved clock", async () => {
    await expect401(await signed({ iat: nowS - 7200, exp: nowS - 3600 }));
    await expect401(await signed({ iat: nowS + 3600, exp: nowS + 7200 }));
  });

  it("refuses an unknown kid, a tampered payload, and junk", async () => {
    await expect401(await signed({}, { kid: "nobody" }));
    const [h, , s] = (await signed({})).split(".");
    await expect401(
      `${h}.${enc({ iss: env.TOKEN_ISSUER, aud: env.TOKEN_AUDIENCE, sub: "adm_evil", roles: ["admin"], iat: nowS, exp: nowS + 60, jti: "x" })}.${s}`,
    );
    for (const junk of ["x", "a.b.c", "....", "eyJ.eyJ.", `${"a".repeat(8192)}.b.c`]) await expect401(junk);
  });

  it("refuses an 8 KB token, a non-Bearer scheme and roles it does not know", async () => {
    await expect401(await signed({ pad: "p".repeat(8192) }));
    const { call } = harness(NOW);
    const basic = await call("GET", "/v1/programs/prg_0000000000000000000a", {
      headers: { authorization: "Basic YWRtaW46YWRtaW4=" },
    });
    expect(basic.status).toBe(401);
    await expect401(await signed({ roles: ["superuser"] }));
    await expect401(await signed({ sub: "jane.doe@example.com" }));
  });

  it("refuses a token it accepted before once it has expired, and one whose lifetime exceeds 12 h (verified tokens are remembered)", async () => {
    const token = await signed({ exp: nowS + 600 });
    const at = async (ms: number) =>
      (await harness(ms).call("GET", "/v1/programs/prg_0000000000000000000a", { token })).status;
    expect(await at(NOW)).toBe(404);
    expect(await at(NOW + 60_000)).toBe(404); // remembered, still valid
    expect(await at(NOW + 631_000)).toBe(401); // past exp and the 30 s tolerance
    expect(await at(NOW - 31_000)).toBe(401); // before its iat (a clock set back)
    const longLived = await signed({ exp: nowS + 48 * 3600 });
    const old = async (ms: number) =>
      (await harness(ms).call("GET", "/v1/programs/prg_0000000000000000000a", { token: longLived })).status;
    // A lifetime over 12 h is refused outright, remembered or not.
    expect(await old(NOW)).toBe(401);
    const clinicDay = await signed({ exp: nowS + 12 * 3600 });
    const day = async (ms: number) =>
      (await harness(ms).call("GET", "/v1/programs/prg_0000000000000000000a", { token: clinicDay })).status;
    expect(await day(NOW)).toBe(404);
    expect(await day(NOW + 12 * 3600_000 + 31_000)).toBe(401);
  });

  it("MAX_TOKEN_LIFETIME sets the longest lifetime accepted, and tokens the product mints stay within it", async () => {
    const twoHours = await signed({ exp: nowS + 2 * 3600 });
    const h = harness(NOW);
    const strict = { MAX_TOKEN_LIFETIME: "3600" };
    const read = (token: string, env: Record<string, string> = {}) =>
      h.call("GET", "/v1/programs/prg_0000000000000000000a", { token, env });
    expect((await read(twoHours)).status).toBe(404);
    expect((await read(twoHours, strict)).status).toBe(401);
    expect((await read(await signed({ exp: nowS + 3600 }), strict)).status).toBe(404);
    // A malformed setting is a deployment error: 503, and the variable named in the log only.
    expect((await read(twoHours, { MAX_TOKEN_LIFETIME: "a year" })).status).toBe(503);
    // A console sign-in mints an 8 h token by default; under a 1 h cap it mints one of 1 h, which works.
    const vars = { ...strict, DEV_SIGN_IN: "on" };
    const admin = await h.token("admin", "adm_1");
    const programId = await createProgram(h.call, admin);
    const made = await h.call("POST", `/v1/programs/${programId}/sign-in-codes`, {
      token: await signed({ sub: "adm_1" }), // ten minutes: within the cap
      body: { staffId: "fac_1", role: "facilitator" },
      env: vars,
    });
    expect(made.status, made.text).toBe(201);
    const traded = await h.call("POST", "/v1/sign-in-codes/exchange", { body: { code: made.body.code }, env: vars });
    expect(traded.status, traded.text).toBe(200);
    const claims = decodeJwt(traded.body.token);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
    expect(Date.parse(traded.body.expiresAt) / 1000).toBe(claims.exp);
    expect((await h.call("GET", `/v1/programs/${programId}`, { token: traded.body.token, env: vars })).status).toBe(
      200,
    );
  });
});
