import type { Context } from "hono";
import { ApiError } from "./problem.ts";
import type { AppEnv } from "./types.ts";

/** The program's directory for a route, or the 404 every route answers for a program that is not ours. */
export function directoryOf(c: Context<AppEnv>, programId: string) {
  const dir = c.var.services.directory.program(programId);
  if (!dir) throw new ApiError("not-found", "No such program.");
  return dir;
}
