import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/types.ts";

/**
 * The Content-Security-Policy of the web pages: scripts, styles and connections only from this
 * Worker, nothing inline, no framing, and Trusted Types so no script can write HTML from a string.
 * `connect-src` names the WebSocket origin explicitly because browsers differ on whether
 * `'self'` covers `ws:`/`wss:`.
 */
export function pageCsp(origin: string): string {
  const url = new URL(origin);
  const socket = `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${socket}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join("; ");
}

/**
 * Headers for an HTML page: the strict CSP, and `no-store`, because a page on a shared phone or
 * clinic computer must not be replayed from a cache once the tab is closed.
 */
export function pageHeaders(): MiddlewareHandler<AppEnv> {
  return async function pageHeaders(c, next) {
    await next();
    c.res.headers.set("content-security-policy", pageCsp(new URL(c.req.url).origin));
    c.res.headers.set("cache-control", "no-store");
    // The product carries no video itself: the pages never need the camera, microphone or location.
    c.res.headers.set("permissions-policy", "camera=(), microphone=(), geolocation=()");
    c.res.headers.set("referrer-policy", "no-referrer");
  };
}
