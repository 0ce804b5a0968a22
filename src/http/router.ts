import { OpenAPIHono } from "@hono/zod-openapi";
import { ApiError } from "./problem.ts";
import type { AppEnv } from "./types.ts";

/** A new OpenAPI-aware Hono app whose validation failures become 400 problem+json with per-field errors. */
export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = result.error.issues.map((issue) => ({
          path: issue.path.map(String).join("."),
          message: issue.message,
        }));
        throw new ApiError("invalid-request", "One or more fields are invalid.", { errors });
      }
    },
  });
}
