import type { MiddlewareHandler } from "hono";
import type { OutboundFetch } from "../../auth/remote-keys.ts";
import { workerConfig } from "../../config/worker-config.ts";
import type { Clock } from "../../lib/clock.ts";
import { setLogLevel } from "../../lib/log.ts";
import { buildServices } from "../services.ts";
import type { AppEnv } from "../types.ts";

/** Build the request's services from the bindings and the injected clock. */
export function services(clock: Clock, outbound: OutboundFetch): MiddlewareHandler<AppEnv> {
  return async function services(c, next) {
    const config = workerConfig(c.env);
    setLogLevel(config.logLevel);
    c.set("services", buildServices(c.env, config, clock, outbound));
    await next();
  };
}
