import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/**
 * The console's cookies. `__Host-` names make the browser refuse them unless Secure, Path=/ and
 * without a Domain, so no sibling subdomain can set or read them. The session is HttpOnly (no
 * script reads it: a script gets only the CSRF token, from GET /auth/session) and SameSite=Strict
 * (no other site's page sends it). The login cookie is SameSite=Lax: the provider's redirect back
 * to /auth/callback is a cross-site top-level navigation, which Lax lets through and Strict does not.
 */
export const SESSION_COOKIE = "__Host-iop-staff";
export const LOGIN_COOKIE = "__Host-iop-login";

export const readSession = (c: Context) => getCookie(c, SESSION_COOKIE);
export const readLogin = (c: Context) => getCookie(c, LOGIN_COOKIE);

export function setSession(c: Context, token: string, maxAge: number): void {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: "Strict", path: "/", maxAge });
}

export function setLogin(c: Context, sealed: string, maxAge: number): void {
  setCookie(c, LOGIN_COOKIE, sealed, { httpOnly: true, secure: true, sameSite: "Lax", path: "/", maxAge });
}

export const clearSession = (c: Context) => deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
export const clearLogin = (c: Context) => deleteCookie(c, LOGIN_COOKIE, { path: "/", secure: true });

/**
 * Whether a cookie-authenticated request comes from this site's own pages: its `Origin` (which
 * browsers send on every non-GET fetch and on every WebSocket handshake) is this origin. A page on
 * another site can make the browser send the cookie, but not forge this header.
 */
export function sameOrigin(c: Context): boolean {
  const origin = c.req.header("origin");
  return origin !== undefined && origin === new URL(c.req.url).origin;
}
