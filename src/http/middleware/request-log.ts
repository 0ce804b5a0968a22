import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { log } from "../../lib/log.ts";
import type { AppEnv } from "../types.ts";

/**
 * One structured line per request: the route pattern (never the query string, which could carry
 * anything), status and duration, under the request id that problem bodies also carry.
 */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async function requestLog(c, next) {
    const started = Date.now();
    await next();
    log(c.res.status >= 500 ? "error" : "info", "http.request", {
      requestId: c.var.requestId,
      method: c.req.method,
      route: routePath(c, -1),
      status: c.res.status,
      ms: Date.now() - started,
    });
  };
}
