import type { Context, MiddlewareHandler } from "hono";
import type { Principal } from "../../../schemas/auth.ts";
import type { Role } from "../../../schemas/common.ts";
import { csrfMatches } from "../../auth/staff-session.ts";
import { verifyBearer } from "../../auth/verify-bearer.ts";
import { programIdOf } from "../../lib/ids.ts";
import { log } from "../../lib/log.ts";
import { ApiError } from "../problem.ts";
import { readSession, sameOrigin } from "../staff-cookies.ts";
import type { AppEnv } from "../types.ts";

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Verify the bearer token, or else the console's session cookie, and set `c.var.principal`; any
 * failure is the same vague 401. A browser sends the cookie by itself, also on requests another
 * site starts, so a cookie-authenticated call that changes something must prove it comes from this
 * site's page: the CSRF token of GET /auth/session in `X-CSRF-Token`, and an `Origin` of this site.
 * A WebSocket handshake carries no custom header, so for it the `Origin` is the check (cross-site
 * WebSocket hijacking). A bearer token is never sent by the browser on its own and needs neither.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    const header = c.req.header("authorization") ?? webSocketBearer(c.req.header("sec-websocket-protocol")) ?? "";
    const cookie = header ? undefined : readSession(c);
    const match = BEARER.exec(header);
    const token = match ? (match[1] as string) : cookie;
    const { services } = c.var;
    const result = token
      ? await verifyBearer(token, services.trust, services.keyRing, services.clock)
      : ({ ok: false, reason: header ? "scheme" : "missing" } as const);
    if (!result.ok) {
      log("info", "auth.denied", { requestId: c.var.requestId, reason: result.reason });
      throw new ApiError("unauthorized", "A valid bearer token is required.", {}, { "www-authenticate": "Bearer" });
    }
    if (cookie) await assertFromOwnPage(c, cookie);
    c.set("principal", result.principal);
    await next();
  };
}

async function assertFromOwnPage(c: Context<AppEnv>, cookie: string): Promise<void> {
  const websocket = c.req.header("upgrade")?.toLowerCase() === "websocket";
  if (SAFE.has(c.req.method) && !websocket) return;
  const csrf = websocket || (await csrfMatches(cookie, c.req.header("x-csrf-token"), c.var.services.config.roomSecret));
  if (!csrf || !sameOrigin(c)) {
    log("info", "auth.csrf", { requestId: c.var.requestId, reason: csrf ? "origin" : "token" });
    throw new ApiError("forbidden", "This request must come from the console's own page.");
  }
}

/** Browsers cannot set headers on a WebSocket, so the live channel takes `bearer.<JWT>` as a subprotocol. */
function webSocketBearer(protocols: string | undefined): string | undefined {
  const bearer = protocols
    ?.split(",")
    .map((p) => p.trim())
    .find((p) => p.startsWith("bearer."));
  return bearer ? `Bearer ${bearer.slice("bearer.".length)}` : undefined;
}

/** Allow only principals holding one of `roles`; runs after `authenticate()`. */
export function requireRole(roles: readonly Role[]): MiddlewareHandler<AppEnv> {
  return async function requireRole(c, next) {
    if (!c.var.principal.roles.some((r) => roles.includes(r))) {
      throw new ApiError("forbidden", "Your role does not allow this action.");
    }
    await next();
  };
}

/** True when the principal may act inside `programId`: its token is scoped to it, or it is an unscoped admin. */
export function inProgram(principal: Principal, programId: string): boolean {
  if (principal.program === undefined) return principal.roles.includes("admin");
  return principal.program === programId;
}

/** Throw 403 unless the principal belongs to the program. */
export function assertInProgram(principal: Principal, programId: string): void {
  if (!inProgram(principal, programId)) throw new ApiError("forbidden", "This token is not valid for that program.");
}

/**
 * Where a route's principal must belong, checked before the body is validated:
 * `program` — the `{programId}` path parameter; `global` — an admin token scoped to no program;
 * `resource` — the program a `{sessionId}`, `{enrollmentId}`, `{trackId}` or `{feedId}` belongs to (the id carries it);
 * `caller` — the program the token is scoped to (only an admin may be unscoped): the program is named
 * in the body, so the handler answers only about it (`inProgram`).
 */
export type Scope = "program" | "global" | "resource" | "caller";

/** Check the scope of the principal against the route, before any validation. */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async function requireScope(c, next) {
    const { principal } = c.var;
    if (scope === "program") assertInProgram(principal, c.req.param("programId") ?? "");
    if (scope === "global" && principal.program !== undefined) {
      throw new ApiError("forbidden", "Only an admin not scoped to a program can do this.");
    }
    if (scope === "caller" && principal.program === undefined && !principal.roles.includes("admin")) {
      throw new ApiError("forbidden", "This token is not scoped to a program.");
    }
    if (scope === "resource") {
      const params = c.req.param() as Record<string, string>;
      const id = params.sessionId ?? params.enrollmentId ?? params.trackId ?? params.feedId ?? "";
      const programId = programIdOf(id);
      if (!programId) throw new ApiError("not-found", "No such resource.");
      assertInProgram(principal, programId);
    }
    await next();
  };
}

/** OpenAPI fields and middleware for a route open to `roles`; the security matrix test reads `x-roles`. */
export function secured<const R extends readonly Role[]>(
  roles: R,
  scope: Scope,
  ...after: MiddlewareHandler<AppEnv>[]
) {
  return {
    security: [{ bearer: [] }],
    "x-roles": roles,
    "x-scope": scope,
    middleware: [authenticate(), requireRole(roles), requireScope(scope), ...after],
  };
}
