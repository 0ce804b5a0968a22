import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../problem.ts";
import type { AppEnv } from "../types.ts";

const DEFAULT_MAX_BYTES = 256 * 1024;

/** Hono's body limit, sized from `MAX_BODY_BYTES`, answering 413 problem+json. */
export function limitBody(): MiddlewareHandler<AppEnv> {
  return async function limitBody(c, next) {
    const configured = Number.parseInt(c.env.MAX_BODY_BYTES ?? "", 10);
    const maxSize = Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_MAX_BYTES;
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError("payload-too-large", `The body must not exceed ${maxSize} bytes.`);
      },
    })(c, next);
  };
}
