import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isoWeek } from "../dates.ts";
import { groupSession } from "../rooms/fixtures.ts";

type Session = Awaited<ReturnType<typeof groupSession>>;

const OTHER_PROGRAM = "prg_00000000000000000000";

/** Introspect `joinToken` with the caller's bearer; `over` replaces bindings for this one request. */
const introspect = (s: Session, bearer: string, joinToken: string, over?: Partial<Env>) =>
  s.call("POST", "/v1/tokens/introspect", { token: bearer, body: { token: joinToken }, env: over });

/** A group session with one client admitted, and that client's join token. */
async function admittedClient() {
  const s = await groupSession({ clients: 1 });
  await s.open();
  const clientId = s.clients[0] as string;
  const joined = await s.join(clientId);
  expect(joined.status).toBe(200);
  return { s, clientId, joinToken: joined.body.token as string };
}

/** A Durable Object namespace that records every object addressed through it: no stub, no call. */
function watched<N extends object>(ns: N) {
  const asked: string[] = [];
  const proxy = new Proxy(ns, {
    get(t, p) {
      const v = Reflect.get(t, p, t);
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        asked.push(`${String(p)}(${String(args[0])})`);
        return v.apply(t, args);
      };
    },
  });
  return { asked, ns: proxy };
}

const IDP = {
  AUTH_ISSUER: "https://idp.clinic.test",
  AUTH_AUDIENCE: "iop-api",
  AUTH_JWKS_URL: "https://idp.clinic.test/jwks",
};

/** An OpenID provider's signer on the session's clock, its JWKS served through a mocked fetch. */
async function provider(now: () => number) {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "idp-1", alg: "RS256" };
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url === IDP.AUTH_JWKS_URL) return Response.json({ keys: [jwk] });
    return new Response("not found", { status: 404 });
  });
  return (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "idp-1" })
      .setIssuer(IDP.AUTH_ISSUER)
      .setAudience(IDP.AUTH_AUDIENCE)
      .setSubject("gw_ext_1")
      .setIssuedAt(Math.floor(now() / 1000))
      .setExpirationTime(Math.floor(now() / 1000) + 300)
      .sign(privateKey);
}

afterEach(() => vi.restoreAllMocks());

describe("introspection with a credential scoped to one program (issue 12, hole 7)", () => {
  it("answers a program admin with the token's claims (was 403: only an admin of every program could ask)", async () => {
    const { s, clientId, joinToken } = await admittedClient();
    const programAdmin = await s.token("admin", "adm_prog", s.programId);
    const res = await introspect(s, programAdmin, joinToken);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: true, sub: clientId, sid: s.sessionId, role: "client" });
  });

  it("answers the program's gateway as it answers an admin of every program", async () => {
    const { s, clientId, joinToken } = await admittedClient();
    const gateway = await s.token("gateway", "gw_1", s.programId);
    const res = await introspect(s, gateway, joinToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      active: true,
      sub: clientId,
      sid: s.sessionId,
      role: "client",
      room: expect.any(String),
      exp: expect.any(Number),
      jti: expect.any(String),
    });
    expect((await introspect(s, s.admin, joinToken)).body).toEqual(res.body);
  });

  it("tells the gateway when the token stops: a removed client's token is inactive", async () => {
    const { s, clientId, joinToken } = await admittedClient();
    const gateway = await s.token("gateway", "gw_1", s.programId);
    expect((await introspect(s, gateway, joinToken)).body.active).toBe(true);
    const removed = await s.call("DELETE", `/v1/sessions/${s.sessionId}/participants/${clientId}`, {
      token: s.facilitator,
    });
    expect(removed.status).toBe(200);
    expect((await introspect(s, gateway, joinToken)).body).toEqual({ active: false });
  });

  it("answers another program's admin or gateway exactly as junk, without asking the directory or the room", async () => {
    const { s, joinToken } = await admittedClient();
    const junk = await introspect(s, s.admin, `${joinToken.slice(0, -4)}AAAA`);
    expect(junk.status).toBe(200);
    expect(junk.body).toEqual({ active: false });
    for (const [role, sub] of [
      ["admin", "adm_other"],
      ["gateway", "gw_other"],
    ] as const) {
      const other = await s.token(role, sub, OTHER_PROGRAM);
      const rooms = watched(env.ROOMS);
      const programs = watched(env.PROGRAMS);
      const res = await introspect(s, other, joinToken, { ROOMS: rooms.ns, PROGRAMS: programs.ns });
      expect(res.status, role).toBe(200);
      expect(res.text, role).toBe(junk.text);
      expect(res.headers.get("content-type")).toBe(junk.headers.get("content-type"));
      expect(rooms.asked, `${role}: room asked`).toEqual([]);
      expect(programs.asked, `${role}: directory asked`).toEqual([]);
    }
    // The probe sees the calls when the caller may ask, so the empty lists above mean something.
    const rooms = watched(env.ROOMS);
    const own = await introspect(s, await s.token("gateway", "gw_1", s.programId), joinToken, {
      ROOMS: rooms.ns,
    });
    expect(own.body.active, own.text).toBe(true);
    expect(rooms.asked).toEqual([`getByName(${s.sessionId})`]);
  });

  it("refuses a gateway of no program, and clients and facilitators", async () => {
    const { s, clientId, joinToken } = await admittedClient();
    const unscoped = await introspect(s, await s.token("gateway", "gw_1"), joinToken);
    expect(unscoped.status).toBe(403);
    expect(unscoped.headers.get("content-type")).toContain("application/problem+json");
    expect((await introspect(s, s.facilitator, joinToken)).status).toBe(403);
    expect((await introspect(s, await s.clientToken(clientId), joinToken)).status).toBe(403);
    expect((await introspect(s, await s.token("facilitator", "fac_1"), joinToken)).status).toBe(403);
  });

  it("gives a gateway nothing else: program, session, room and attendance routes refuse it", async () => {
    const { s, clientId } = await admittedClient();
    const gateway = await s.token("gateway", "gw_1", s.programId);
    const week = isoWeek(s.day);
    const attempts: [string, string, unknown?][] = [
      ["GET", `/v1/programs/${s.programId}`],
      ["GET", `/v1/programs/${s.programId}/sessions?from=${s.day}&to=${s.day}`],
      ["GET", `/v1/sessions/${s.sessionId}`],
      ["POST", `/v1/sessions/${s.sessionId}/join`, {}],
      ["POST", `/v1/sessions/${s.sessionId}/close`, {}],
      ["DELETE", `/v1/sessions/${s.sessionId}/participants/${clientId}`],
      ["GET", `/v1/sessions/${s.sessionId}/attendance`],
      ["GET", `/v1/programs/${s.programId}/clients/${clientId}/attendance?week=${week}`],
      ["GET", `/v1/programs/${s.programId}/enrollments`],
      ["GET", `/v1/programs/${s.programId}/audit`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await s.call(method, path, { token: gateway, body });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    // The client is still seated: nothing the gateway tried changed the room.
    expect((await s.join(clientId)).status).toBe(200);
  });
});

describe("introspection with an external issuer's gateway token", () => {
  it("works with roles: [gateway] and a program claim, and only for that program", async () => {
    const { s, clientId, joinToken } = await admittedClient();
    const sign = await provider(() => s.clock.now());
    const call = (bearer: string) =>
      s.call("POST", "/v1/tokens/introspect", { token: bearer, body: { token: joinToken }, env: IDP });
    const own = await call(await sign({ roles: ["gateway"], program: s.programId }));
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ active: true, sub: clientId, sid: s.sessionId });
    const other = await call(await sign({ roles: "gateway", program: OTHER_PROGRAM }));
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ active: false });
    expect((await call(await sign({ roles: ["gateway"] }))).status).toBe(403);
    const elsewhere = await s.call("GET", `/v1/sessions/${s.sessionId}`, {
      token: await sign({ roles: ["gateway"], program: s.programId }),
      env: IDP,
    });
    expect(elsewhere.status).toBe(403);
  });
});
