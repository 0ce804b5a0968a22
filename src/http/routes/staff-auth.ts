import type { Context } from "hono";
import { Hono } from "hono";
import { decodeJwt } from "jose";
import { ReturnPath, type SignInRefusal, type StaffSession } from "../../../schemas/staff-auth.ts";
import { ACCESS_HEADER, verifyAccessAssertion } from "../../auth/access-assertion.ts";
import { LOGIN_SECONDS, newLoginState, openLoginState, s256Challenge, sealLoginState } from "../../auth/login-state.ts";
import { authorizationUrl, exchangeCode, verifyIdToken } from "../../auth/oidc-client.ts";
import { discover } from "../../auth/oidc-discovery.ts";
import { type GrantResult, type StaffGrant, staffGrant } from "../../auth/staff-claims.ts";
import { csrfMatches, csrfToken, mintStaffSession } from "../../auth/staff-session.ts";
import { verifyBearer } from "../../auth/verify-bearer.ts";
import { isoInstant } from "../../lib/clock.ts";
import { log } from "../../lib/log.ts";
import { audit } from "../audit.ts";
import { ApiError } from "../problem.ts";
import {
  clearLogin,
  clearSession,
  readLogin,
  readSession,
  sameOrigin,
  setLogin,
  setSession,
} from "../staff-cookies.ts";
import type { AppEnv } from "../types.ts";

type C = Context<AppEnv>;
const HOME = "/console";

/** Where to go after sign-in: a path of this site, else the console. */
const returnPath = (raw: string | undefined) => ReturnPath.safeParse(raw ?? HOME).data ?? HOME;

/** The console, told why sign-in ended without a session (it shows what to do for each reason). */
function refuse(c: C, reason: SignInRefusal, how: "oidc" | "access", detail?: string) {
  log("info", "staff.sign-in.refused", { requestId: c.var.requestId, how, reason, ...(detail ? { detail } : {}) });
  c.header("cache-control", "no-store");
  return c.redirect(`${HOME}?signin=${reason}`, 303);
}

/** A verified account's grant, checked against the product: the program must exist. */
async function admit(c: C, result: GrantResult, how: "oidc" | "access", returnTo: string) {
  const { services } = c.var;
  const programId = result.ok ? result.grant.programId : result.programId;
  const dir = programId ? services.directory.program(programId) : null;
  const known = dir ? (await dir.getProgram()) !== null : false;
  if (!result.ok || !known) {
    const reason = result.ok ? "no-program" : result.reason;
    // A refusal is on the program's trail when the account names one that exists (opaque ids only).
    if (known && programId) {
      const actor = result.ok ? result.grant.staffId : (result.staffId ?? "anonymous");
      await audit(c, programId, [{ actor, action: "staff.sign-in", object: actor, outcome: `refused:${reason}` }]);
    }
    return refuse(c, reason, how);
  }
  await startSession(c, result.grant, how);
  c.header("cache-control", "no-store");
  return c.redirect(returnTo, 303);
}

async function startSession(c: C, grant: StaffGrant, how: "oidc" | "access") {
  const { services } = c.var;
  const nowS = Math.floor(services.clock.now() / 1000);
  const session = await mintStaffSession(await services.keyRing(), services.trust, grant, nowS);
  const { staffId, programId } = grant;
  await audit(c, programId, [{ actor: staffId, action: "staff.sign-in", object: staffId, outcome: how }]);
  setSession(c, session.token, session.maxAge);
}

/** The session cookie's principal and token, or null when absent, expired or not ours. */
async function cookieSession(c: C) {
  const token = readSession(c);
  if (!token) return null;
  const { services } = c.var;
  const result = await verifyBearer(token, services.trust, services.keyRing, services.clock);
  return result.ok ? { token, principal: result.principal } : null;
}

/**
 * Staff sign-in to the console without a token in hand: the clinic's OpenID provider
 * (authorization code with PKCE), or Cloudflare Access in front of the Worker. Either ends in the
 * same HttpOnly session cookie, which every API route accepts like a bearer token (with a CSRF
 * token and a same-origin `Origin` on state-changing calls: middleware/auth.ts). Redirects, not
 * JSON: these are browser navigations, so they are not in the OpenAPI document (docs/web.md).
 */
export function staffAuthRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/auth/login", async (c) => {
    const { services } = c.var;
    const oidc = services.config.staffSignIn.oidc;
    if (!oidc) throw new ApiError("not-found", "Sign-in with an identity provider is not configured here.");
    const now = services.clock.now();
    const found = await discover(oidc.issuer, services.outbound, now);
    if (!found.ok) return refuse(c, "unreachable", "oidc", found.reason);
    const login = newLoginState(returnPath(c.req.query("returnTo")));
    const sealed = await sealLoginState(login, services.config.roomSecret, Math.floor(now / 1000));
    setLogin(c, sealed, LOGIN_SECONDS);
    const redirectUri = `${new URL(c.req.url).origin}/auth/callback`;
    c.header("cache-control", "no-store");
    return c.redirect(authorizationUrl(found.provider, oidc, redirectUri, login, await s256Challenge(login.verifier)));
  });

  app.get("/auth/callback", async (c) => {
    const { services } = c.var;
    const oidc = services.config.staffSignIn.oidc;
    if (!oidc) throw new ApiError("not-found", "Sign-in with an identity provider is not configured here.");
    const now = services.clock.now();
    const opened = await openLoginState(readLogin(c), services.config.roomSecret, now);
    // The login cookie serves one callback, whatever its outcome.
    clearLogin(c);
    if (!opened.ok) return refuse(c, opened.reason === "expired" ? "expired" : "bad-state", "oidc");
    const { state: login } = opened;
    if (c.req.query("state") !== login.state) return refuse(c, "bad-state", "oidc");
    const error = c.req.query("error");
    if (error) return refuse(c, error === "access_denied" ? "denied" : "bad-response", "oidc", error.slice(0, 40));
    const code = c.req.query("code");
    if (!code || code.length > 2048) return refuse(c, "bad-response", "oidc");
    const found = await discover(oidc.issuer, services.outbound, now);
    if (!found.ok) return refuse(c, "unreachable", "oidc", found.reason);
    const redirectUri = `${new URL(c.req.url).origin}/auth/callback`;
    const grant = { code, redirectUri, verifier: login.verifier };
    const exchanged = await exchangeCode(found.provider, oidc, grant, services.outbound);
    if (!exchanged.ok) {
      return refuse(c, exchanged.reason === "unreachable" ? "unreachable" : "exchange-failed", "oidc", exchanged.error);
    }
    const verified = await verifyIdToken(exchanged.idToken, found.provider, oidc, login.nonce, services.outbound, now);
    if (!verified.ok) return refuse(c, "bad-token", "oidc", verified.reason);
    return admit(c, staffGrant(verified.claims, services.config.staffSignIn.claims), "oidc", login.returnTo);
  });

  app.get("/auth/access", async (c) => {
    const { services } = c.var;
    const access = services.config.staffSignIn.access;
    if (!access) throw new ApiError("not-found", "Cloudflare Access sign-in is not configured here.");
    const assertion = c.req.header(ACCESS_HEADER);
    const verified = await verifyAccessAssertion(assertion, access, services.outbound, services.clock.now());
    if (!verified.ok) return refuse(c, "bad-token", "access", verified.reason);
    const result = staffGrant(verified.claims, services.config.staffSignIn.claims);
    return admit(c, result, "access", returnPath(c.req.query("returnTo")));
  });

  app.get("/auth/session", async (c) => {
    const { services } = c.var;
    c.header("cache-control", "no-store");
    const session = await cookieSession(c);
    const { oidc, access } = services.config.staffSignIn;
    // Asked by the console on every load: "not signed in" is an answer, not an error (no 401 noise).
    const signIn = { oidc: !!oidc, access: !!access };
    const roles = (session?.principal.roles ?? []).filter(
      (r): r is "admin" | "facilitator" => r === "admin" || r === "facilitator",
    );
    if (!session || roles.length === 0 || !session.principal.program) return c.json({ signedIn: false, signIn }, 200);
    const { principal, token } = session;
    const body: StaffSession = {
      staffId: principal.sub,
      role: roles.includes("admin") ? "admin" : "facilitator",
      roles,
      programId: principal.program as string,
      csrf: await csrfToken(token, services.config.roomSecret),
      // Verified just above; the console schedules its "signed out" notice from it.
      expiresAt: isoInstant((decodeJwt(token).exp ?? 0) * 1000),
    };
    return c.json({ signedIn: true, ...body, signIn }, 200);
  });

  app.post("/auth/logout", async (c) => {
    const { services } = c.var;
    const session = await cookieSession(c);
    if (session) {
      const csrf = await csrfMatches(session.token, c.req.header("x-csrf-token"), services.config.roomSecret);
      if (!csrf || !sameOrigin(c)) throw new ApiError("forbidden", "Sign out from the console itself.");
      const { sub, program } = session.principal;
      if (program) await audit(c, program, [{ actor: sub, action: "staff.sign-out", object: sub, outcome: "ok" }]);
    }
    clearSession(c);
    return c.body(null, 204);
  });

  return app;
}
