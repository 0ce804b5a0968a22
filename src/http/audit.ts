import type { Context } from "hono";
import type { AuditEvent } from "../../schemas/audit.ts";
import { isoInstant } from "../lib/clock.ts";
import { programIdOf } from "../lib/ids.ts";
import { log } from "../lib/log.ts";
import type { AppEnv } from "./types.ts";

/**
 * Record audit events in the program's hash chain without holding up the answer: in production
 * after the response (waitUntil); where no execution context exists (tests), before it.
 * `programOrChildId` is a program id or any id inside a program.
 */
export async function audit(
  c: Context<AppEnv>,
  programOrChildId: string,
  events: (Omit<AuditEvent, "actor"> & { actor?: string })[],
) {
  const programId = programOrChildId.startsWith("prg_") ? programOrChildId : programIdOf(programOrChildId);
  const dir = programId ? c.var.services.directory.program(programId) : null;
  if (!dir) return;
  const actor = c.get("principal")?.sub ?? "anonymous";
  const entries = events.map((e) => ({ actor, ...e }));
  const write = dir.appendAudit(entries, isoInstant(c.var.services.clock.now())).then(
    () => undefined,
    (err: Error) => log("error", "audit.append.failed", { programId, error: err.name, requestId: c.var.requestId }),
  );
  let ctx: { waitUntil(p: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined;
  }
  if (ctx) ctx.waitUntil(write);
  else await write;
}
