import type { Failure } from "../directory/result.ts";
import { ApiError } from "./problem.ts";

/** Turn a directory result into its value, or throw the problem it names. */
export function unwrap<T extends { ok: true }>(result: T | Failure): T {
  if (!result.ok) {
    const extras = { ...(result.errors ? { errors: result.errors } : {}), ...result.extras };
    throw new ApiError(result.reason, result.detail, extras, result.headers);
  }
  return result;
}
