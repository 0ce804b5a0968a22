import type { Context } from "hono";
import { programIdOf } from "../lib/ids.ts";
import type { AppEnv } from "./types.ts";

/**
 * Who is who in a staff view: id → display name, read from the program's directory (the one place
 * names live). Clients get no names, not even their own (`null`), so views add none for them.
 * The view's own audit entry covers the read.
 */
export async function namesFor(
  c: Context<AppEnv>,
  programOrChildId: string,
  ids: readonly string[],
): Promise<Map<string, string> | null> {
  if (!c.var.principal.roles.some((r) => r === "admin" || r === "facilitator")) return null;
  const programId = programOrChildId.startsWith("prg_") ? programOrChildId : programIdOf(programOrChildId);
  const dir = programId ? c.var.services.directory.program(programId) : null;
  const unique = [...new Set(ids)];
  if (!dir || unique.length === 0) return new Map();
  return new Map((await dir.displayNames(unique)).map((p) => [p.subjectId, p.displayName]));
}
