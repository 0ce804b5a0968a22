import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createProgram, harness } from "../helpers.ts";

const IDP = {
  AUTH_ISSUER: "https://idp.clinic.test",
  AUTH_AUDIENCE: "iop-api",
  AUTH_JWKS_URL: "https://idp.clinic.test/jwks",
};

/** An OpenID provider's key pair, served through a mocked fetch of its JWKS URL. */
async function provider() {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "idp-1", alg: "RS256" };
  const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url === IDP.AUTH_JWKS_URL) return Response.json({ keys: [jwk] });
    return new Response("not found", { status: 404 });
  });
  const sign = (claims: Record<string, unknown>, iss = IDP.AUTH_ISSUER) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "idp-1" })
      .setIssuer(iss)
      .setAudience(IDP.AUTH_AUDIENCE)
      .setSubject("ext_fac_1")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
  return { sign, fetchSpy };
}

afterEach(() => vi.restoreAllMocks());

describe("external OpenID provider", () => {
  it("accepts its tokens with roles and program claims, checked against its JWKS", async () => {
    const { call, token } = harness();
    const programId = await createProgram(call, await token("admin", "adm_1"));
    const { sign, fetchSpy } = await provider();
    const facilitatorToken = await sign({ roles: ["facilitator"], program: programId });
    const res = await call("GET", `/v1/programs/${programId}`, { token: facilitatorToken, env: IDP });
    expect(res.status).toBe(200);
    expect(fetchSpy).toHaveBeenCalled();
    const spaceSeparated = await sign({ roles: "facilitator admin", program: programId });
    expect((await call("GET", `/v1/programs/${programId}`, { token: spaceSeparated, env: IDP })).status).toBe(200);
  });

  it("refuses its tokens when not configured, without roles, or from an impostor issuer", async () => {
    const { call, token } = harness();
    const programId = await createProgram(call, await token("admin", "adm_1"));
    const { sign } = await provider();
    const good = await sign({ roles: ["facilitator"], program: programId });
    expect((await call("GET", `/v1/programs/${programId}`, { token: good })).status).toBe(401);
    const noRoles = await sign({ program: programId });
    expect((await call("GET", `/v1/programs/${programId}`, { token: noRoles, env: IDP })).status).toBe(401);
    const impostor = await sign({ roles: ["admin"] }, "https://evil.test");
    expect((await call("GET", `/v1/programs/${programId}`, { token: impostor, env: IDP })).status).toBe(401);
  });
});
