import type { Context, MiddlewareHandler } from "hono";
import { log } from "../../lib/log.ts";
import { ApiError } from "../problem.ts";
import type { AppEnv } from "../types.ts";

type Limiter = "JOIN_LIMITER" | "INVITE_LIMITER" | "WEBHOOK_LIMITER" | "TOKEN_LIMITER";

/**
 * Seconds a caller waits after a 429: each limiter's period. The limits themselves live in
 * wrangler.toml's [[ratelimits]] (the binding does not expose its period); test/http/rate-limit.test.ts
 * fails when this table and wrangler.toml disagree.
 */
export const LIMITER_PERIODS: Record<Limiter, number> = {
  JOIN_LIMITER: 10,
  INVITE_LIMITER: 60,
  WEBHOOK_LIMITER: 60,
  TOKEN_LIMITER: 10,
};

/**
 * Whether the limit counts per path (the default) or across every path of the limiter: joins count
 * across sessions, since a join of a session id nobody scheduled still wakes a room (issue 20).
 */
export interface RateScope {
  perPath?: boolean;
}

/** The caller: the token's subject when authenticated, else the client address. Opaque either way. */
export function callerKey(c: Context<AppEnv>): string {
  const sub = c.get("principal")?.sub;
  return sub ? `sub:${sub}` : `ip:${c.req.header("cf-connecting-ip") ?? "local"}`;
}

/**
 * Throttle with a Workers rate limiting binding, keyed by path and caller. The binding is
 * eventually consistent per location, so it is a brake on abuse, never a cap: caps live in
 * Durable Objects.
 */
export async function checkRate(
  c: Context<AppEnv>,
  limiter: Limiter,
  key: (c: Context<AppEnv>) => string = callerKey,
  { perPath = true }: RateScope = {},
) {
  const binding = c.env[limiter] as RateLimit | undefined;
  if (!binding) return;
  const { success } = await binding.limit({ key: `${perPath ? c.req.path : limiter}|${key(c)}` });
  if (!success) {
    log("warn", "rate.limited", { requestId: c.var.requestId, limiter });
    throw new ApiError(
      "rate-limited",
      "Too many requests; please wait a moment.",
      {},
      { "retry-after": String(LIMITER_PERIODS[limiter]) },
    );
  }
}

/** `checkRate` as route middleware, for routes with nothing to overlap it with. */
export function rateLimit(
  limiter: Limiter,
  key: (c: Context<AppEnv>) => string = callerKey,
  scope: RateScope = {},
): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    await checkRate(c, limiter, key, scope);
    await next();
  };
}
