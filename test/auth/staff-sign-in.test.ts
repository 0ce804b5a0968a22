import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { s256Challenge } from "../../src/auth/login-state.ts";
import type { OutboundFetch } from "../../src/auth/remote-keys.ts";
import { createApp } from "../../src/http/app.ts";
import { manualClock } from "../../src/lib/clock.ts";
import { futureMonday, plusDays, zoned } from "../dates.ts";
import { caller, createProgram, token } from "../helpers.ts";
import { oidcProvider } from "../stand-ins/oidc-provider.mjs";

const ISSUER = "https://idp.clinic.test/realms/staff";
const TEAM = "https://clinic.cloudflareaccess.com";
const AUD = "a1b2c3d4e5f6access-aud";
const ORIGIN = "http://localhost";
const ENV = { AUTH_ISSUER: ISSUER, AUTH_CLIENT_ID: "iop-console", ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD };

type Res = Awaited<ReturnType<ReturnType<typeof caller>>>;

/** The cookie `name` a response sets: its value and its attributes, as the browser would read them. */
function setCookie(res: Res, name: string) {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`));
  if (!line) return null;
  const [pair, ...attrs] = line.split(";").map((p) => p.trim());
  return { value: (pair as string).slice(name.length + 1), attrs: attrs.map((a) => a.toLowerCase()) };
}

/** A program, the app with the injected clock, the local OpenID provider and Access's keys behind its outbound fetch. */
async function setup() {
  const day = futureMonday();
  const clock = manualClock(Date.parse(zoned(day, "08:00")));
  const provider = await oidcProvider({
    issuer: ISSUER,
    clientId: "iop-console",
    redirectUris: [`${ORIGIN}/auth/callback`],
    now: () => clock.now(),
  });
  const access = await generateKeyPair("RS256");
  const accessJwk = { ...(await exportJWK(access.publicKey)), kid: "access-1", alg: "RS256" };
  const down = new Set<string>();
  const outbound: OutboundFetch = async (url, init) => {
    if ([...down].some((d) => url.includes(d))) throw new TypeError("connection refused");
    if (url === `${TEAM}/cdn-cgi/access/certs`) return Response.json({ keys: [accessJwk], public_cert: {} });
    if (url.startsWith(ISSUER)) return provider.handle(new Request(url, init));
    return new Response("no such host", { status: 502 });
  };
  const app = createApp({ clock, outbound });
  const call = caller(app, clock);
  const admin = await token(clock, "admin", "adm_1");
  const programId = await createProgram(call, admin);
  const get = (path: string, opts: Parameters<typeof call>[2] = {}) => call("GET", path, { env: ENV, ...opts });

  /** One whole sign-in as the browser does it: login, the provider's authorize, the callback. */
  async function signIn(claims: Record<string, unknown> | "deny", opts: { stateOf?: (s: string) => string } = {}) {
    provider.signInAs(claims);
    const login = await get("/auth/login?returnTo=/console");
    expect(login.status, login.text).toBe(302);
    const loginCookie = setCookie(login, "__Host-iop-login");
    const authorized = await provider.handle(new Request(login.headers.get("location") as string));
    const back = new URL(authorized.headers.get("location") as string);
    const state = back.searchParams.get("state") as string;
    back.searchParams.set("state", opts.stateOf ? opts.stateOf(state) : state);
    const callback = await get(`${back.pathname}${back.search}`, {
      headers: loginCookie ? { cookie: `__Host-iop-login=${loginCookie.value}` } : {},
    });
    return { login, loginCookie, callback, session: setCookie(callback, "__Host-iop-staff") };
  }
  const staff = { sub: "stf_7q2", roles: ["facilitator"], program: programId };
  return { day, clock, provider, access, down, call, get, admin, programId, signIn, staff };
}

const refusedWith = (res: Res) => new URL(res.headers.get("location") ?? "", ORIGIN).searchParams.get("signin");

describe("staff sign-in through the clinic's OpenID provider (code flow with PKCE)", () => {
  it("computes the S256 challenge of RFC 7636 appendix B", async () => {
    expect(await s256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("sends the browser to the provider with S256 PKCE, state and nonce, and a short Lax login cookie", async () => {
    const t = await setup();
    const { login, loginCookie } = await t.signIn(t.staff);
    const to = new URL(login.headers.get("location") as string);
    expect(`${to.origin}${to.pathname}`).toBe(`${ISSUER}/authorize`);
    const q = Object.fromEntries(to.searchParams);
    expect(q).toMatchObject({
      response_type: "code",
      client_id: "iop-console",
      redirect_uri: `${ORIGIN}/auth/callback`,
      scope: "openid",
      code_challenge_method: "S256",
    });
    for (const k of ["state", "nonce", "code_challenge"]) expect(q[k]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.state).not.toBe(q.nonce);
    expect(loginCookie?.attrs).toEqual(
      expect.arrayContaining(["httponly", "secure", "samesite=lax", "path=/", "max-age=600"]),
    );
    // The verifier went to the token endpoint, and only its challenge to the authorize endpoint.
    const verifier = t.provider.seen.token[0]?.code_verifier as string;
    expect(await s256Challenge(verifier)).toBe(q.code_challenge);
    expect(login.headers.get("location")).not.toContain(verifier);
  });

  it("ends in an HttpOnly, Secure, SameSite=Strict two-hour session that the API accepts, and audits it", async () => {
    const t = await setup();
    const { callback, session } = await t.signIn(t.staff);
    expect(callback.status).toBe(303);
    expect(callback.headers.get("location")).toBe("/console");
    expect(session?.attrs).toEqual(
      expect.arrayContaining(["httponly", "secure", "samesite=strict", "path=/", "max-age=7200"]),
    );
    expect(setCookie(callback, "__Host-iop-login")?.attrs).toContain("max-age=0");
    const cookie = { cookie: `__Host-iop-staff=${session?.value}` };
    const me = await t.get("/auth/session", { headers: cookie });
    expect(me.status, me.text).toBe(200);
    expect(me.body).toMatchObject({ signedIn: true, staffId: "stf_7q2", role: "facilitator", programId: t.programId });
    expect(me.body.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const range = `from=${zoned(t.day, "00:00")}&to=${zoned(plusDays(t.day, 1), "00:00")}`;
    const list = await t.get(`/v1/programs/${t.programId}/sessions?${range}`, { headers: cookie });
    expect(list.status, list.text).toBe(200);
    const trail = await t.call("GET", `/v1/programs/${t.programId}/audit`, { token: t.admin });
    expect(trail.body.entries).toContainEqual(
      expect.objectContaining({ actor: "stf_7q2", action: "staff.sign-in", outcome: "oidc" }),
    );
    t.clock.advance(2 * 3600_000 + 60_000);
    expect((await t.get("/auth/session", { headers: cookie })).body.signedIn).toBe(false);
    expect((await t.get(`/v1/programs/${t.programId}/sessions?${range}`, { headers: cookie })).status).toBe(401);
  });

  it("refuses every broken or hostile callback with a reason for the console, never a 500", async () => {
    const t = await setup();
    expect(refusedWith((await t.signIn(t.staff, { stateOf: (s) => `${s.slice(1)}x` })).callback)).toBe("bad-state");
    const noCookie = await t.get("/auth/callback?code=abc&state=def");
    expect([noCookie.status, refusedWith(noCookie)]).toEqual([303, "bad-state"]);
    expect(refusedWith((await t.signIn("deny")).callback)).toBe("denied");
    expect(refusedWith((await t.signIn({ ...t.staff, roles: ["client"] })).callback)).toBe("not-staff");
    expect(refusedWith((await t.signIn({ sub: "stf_1", roles: ["facilitator"] })).callback)).toBe("no-program");
    const elsewhere = { ...t.staff, program: "prg_00000000nothere" };
    expect(refusedWith((await t.signIn(elsewhere)).callback)).toBe("no-program");
    expect(refusedWith((await t.signIn({ ...t.staff, sub: "jane.doe@example.com" })).callback)).toBe("bad-account");

    // Ten minutes is the login's life: a callback after that is expired.
    t.provider.signInAs(t.staff);
    const login = await t.get("/auth/login");
    const cookie = setCookie(login, "__Host-iop-login")?.value;
    const back = new URL(
      (await t.provider.handle(new Request(login.headers.get("location") as string))).headers.get("location") as string,
    );
    t.clock.advance(11 * 60_000);
    const late = await t.get(`${back.pathname}${back.search}`, { headers: { cookie: `__Host-iop-login=${cookie}` } });
    expect(refusedWith(late)).toBe("expired");
    t.clock.advance(-11 * 60_000);

    t.down.add("/token");
    expect(refusedWith((await t.signIn(t.staff)).callback)).toBe("unreachable");
    t.down.clear();
    // A provider whose discovery document cannot be fetched (a fresh isolate: nothing cached).
    const fresh = await setup();
    fresh.down.add("/.well-known/");
    const noDiscovery = await fresh.get("/auth/login");
    expect([noDiscovery.status, refusedWith(noDiscovery)]).toEqual([303, "unreachable"]);
    // Nothing above was a session.
    expect(t.provider.seen.token.length).toBeGreaterThan(0);
  });

  it("refuses an id_token signed by the provider's key but not for this login or this client", async () => {
    const t = await setup();
    const now = Math.floor(t.clock.now() / 1000);
    const base = { iss: ISSUER, aud: "iop-console", iat: now, exp: now + 300, ...t.staff };
    for (const [label, forged] of [
      ["nonce", { ...base, nonce: "n".repeat(43) }],
      ["audience", { ...base, aud: "another-app" }],
      ["issuer", { ...base, iss: "https://evil.test" }],
      ["expired", { ...base, iat: now - 900, exp: now - 600 }],
    ] as const) {
      const original = t.provider.handle;
      t.provider.handle = async (req: Request) => {
        const res = await original(req);
        if (!req.url.endsWith("/token") || res.status !== 200) return res;
        const body = (await res.json()) as Record<string, unknown>;
        const claims = label === "nonce" ? forged : { ...forged, nonce: t.provider.seen.authorize.at(-1)?.nonce };
        return Response.json({ ...body, id_token: await t.provider.sign(claims) });
      };
      const { callback, session } = await t.signIn(t.staff);
      t.provider.handle = original;
      expect([label, refusedWith(callback), session]).toEqual([label, "bad-token", null]);
    }
  });

  it("answers 404 where no provider is configured, and the session endpoint says which sign-ins exist", async () => {
    const t = await setup();
    const off = await t.call("GET", "/auth/login", {});
    expect(off.status).toBe(404);
    expect(off.headers.get("content-type")).toContain("application/problem+json");
    const anon = await t.get("/auth/session");
    expect(anon.status).toBe(200);
    expect(anon.body).toEqual({ signedIn: false, signIn: { oidc: true, access: true } });
    // A client's token in the cookie is no console session.
    const client = await token(t.clock, "client", "clt_1", t.programId);
    expect((await t.get("/auth/session", { headers: { cookie: `__Host-iop-staff=${client}` } })).body.signedIn).toBe(
      false,
    );
  });
});

describe("the session cookie on state-changing calls: CSRF token and Origin", () => {
  it("needs both for a PUT, and the Origin for a WebSocket; a bearer call needs neither", async () => {
    const t = await setup();
    const { session } = await t.signIn(t.staff);
    const cookie = `__Host-iop-staff=${session?.value}`;
    const csrf = (await t.get("/auth/session", { headers: { cookie } })).body.csrf as string;
    const put = (headers: Record<string, string>) =>
      t.call("PUT", `/v1/programs/${t.programId}/people/clt_1/display-name`, {
        env: ENV,
        headers: { cookie, ...headers },
        body: { displayName: "Sam" },
      });
    expect((await put({})).status).toBe(403);
    expect((await put({ origin: ORIGIN })).status).toBe(403);
    expect((await put({ origin: ORIGIN, "x-csrf-token": `${csrf.slice(0, -2)}AA` })).status).toBe(403);
    expect((await put({ origin: "https://evil.test", "x-csrf-token": csrf })).status).toBe(403);
    expect((await put({ "x-csrf-token": csrf })).status).toBe(403);
    const ok = await put({ origin: ORIGIN, "x-csrf-token": csrf });
    expect(ok.status, ok.text).toBe(200);
    // Another session's CSRF token is not this one's.
    const other = await t.signIn({ ...t.staff, sub: "stf_other" });
    const otherCsrf = (
      await t.get("/auth/session", { headers: { cookie: `__Host-iop-staff=${other.session?.value}` } })
    ).body.csrf;
    expect((await put({ origin: ORIGIN, "x-csrf-token": otherCsrf })).status).toBe(403);

    const bearer = await t.call("PUT", `/v1/programs/${t.programId}/people/clt_1/display-name`, {
      token: await token(t.clock, "facilitator", "fac_1", t.programId),
      body: { displayName: "Sam" },
    });
    expect(bearer.status).toBe(200);

    const created = await t.call("POST", `/v1/programs/${t.programId}/sessions`, {
      token: t.admin,
      body: {
        kind: "group",
        startsAt: zoned(t.day, "09:00"),
        endsAt: zoned(t.day, "10:00"),
        facilitatorIds: ["stf_7q2"],
        clientIds: ["clt_1"],
      },
    });
    expect(created.status, created.text).toBe(201);
    const ws = (origin?: string) =>
      t.get(`/v1/sessions/${created.body.id}/live`, {
        headers: { cookie, upgrade: "websocket", "sec-websocket-protocol": "iop.v1", ...(origin ? { origin } : {}) },
      });
    expect((await ws("https://evil.test")).status).toBe(403);
    expect((await ws()).status).toBe(403);
    expect((await ws(ORIGIN)).status).toBe(101);
  });

  it("signs out only from the console's page, clears the cookie and audits it", async () => {
    const t = await setup();
    const { session } = await t.signIn(t.staff);
    const cookie = `__Host-iop-staff=${session?.value}`;
    const csrf = (await t.get("/auth/session", { headers: { cookie } })).body.csrf as string;
    expect((await t.call("POST", "/auth/logout", { env: ENV, headers: { cookie, origin: ORIGIN } })).status).toBe(403);
    const out = await t.call("POST", "/auth/logout", {
      env: ENV,
      headers: { cookie, origin: ORIGIN, "x-csrf-token": csrf },
    });
    expect(out.status).toBe(204);
    expect(setCookie(out, "__Host-iop-staff")?.attrs).toContain("max-age=0");
    const trail = await t.call("GET", `/v1/programs/${t.programId}/audit`, { token: t.admin });
    expect(trail.body.entries).toContainEqual(
      expect.objectContaining({ actor: "stf_7q2", action: "staff.sign-out", outcome: "ok" }),
    );
  });
});

describe("staff sign-in behind Cloudflare Access", () => {
  async function assertion(t: Awaited<ReturnType<typeof setup>>, over: Record<string, unknown> = {}, key?: CryptoKey) {
    const now = Math.floor(t.clock.now() / 1000);
    const claims = {
      iss: TEAM,
      aud: [AUD],
      sub: "7f0c2a8e-access-user",
      iat: now,
      exp: now + 3600,
      type: "app",
      custom: { roles: ["facilitator"], program: t.programId },
      ...over,
    };
    return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "access-1" }).sign(key ?? t.access.privateKey);
  }

  it("turns a valid Cf-Access-Jwt-Assertion into the session; forged, expired or foreign ones are refused", async () => {
    const t = await setup();
    const ok = await t.get("/auth/access", { headers: { "cf-access-jwt-assertion": await assertion(t) } });
    expect(ok.status, ok.text).toBe(303);
    expect(setCookie(ok, "__Host-iop-staff")?.attrs).toContain("samesite=strict");
    const other = await generateKeyPair("RS256");
    const now = Math.floor(t.clock.now() / 1000);
    for (const [label, bad] of [
      ["forged", await assertion(t, {}, other.privateKey)],
      ["expired", await assertion(t, { exp: now - 120, iat: now - 4000 })],
      ["audience", await assertion(t, { aud: ["someone-else"] })],
      ["garbage", "not-a-jwt"],
    ]) {
      const res = await t.get("/auth/access", { headers: { "cf-access-jwt-assertion": bad as string } });
      expect([label, res.status, refusedWith(res), setCookie(res, "__Host-iop-staff")]).toEqual([
        label,
        303,
        "bad-token",
        null,
      ]);
    }
    expect(refusedWith(await t.get("/auth/access"))).toBe("bad-token");
    const client = await assertion(t, { custom: { roles: ["client"], program: t.programId } });
    expect(refusedWith(await t.get("/auth/access", { headers: { "cf-access-jwt-assertion": client } }))).toBe(
      "not-staff",
    );
  });
});
