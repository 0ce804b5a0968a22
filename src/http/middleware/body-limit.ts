import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { workerConfig } from "../../config/worker-config.ts";
import { ApiError } from "../problem.ts";
import type { AppEnv } from "../types.ts";

/** Hono's body limit, sized from `MAX_BODY_BYTES`, answering 413 problem+json. */
export function limitBody(): MiddlewareHandler<AppEnv> {
  return async function limitBody(c, next) {
    const maxSize = workerConfig(c.env).maxBodyBytes;
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError("payload-too-large", `The body must not exceed ${maxSize} bytes.`);
      },
    })(c, next);
  };
}
