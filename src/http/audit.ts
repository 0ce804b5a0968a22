import type { Context } from "hono";
import type { AuditCall, AuditEvent } from "../../schemas/audit.ts";
import { isoInstant } from "../lib/clock.ts";
import { programIdOf } from "../lib/ids.ts";
import { log } from "../lib/log.ts";
import { ApiError } from "./problem.ts";
import type { AppEnv } from "./types.ts";

/** The caller as the audit names them: their opaque id (or `anonymous`) and this request's id. */
export function auditCall(c: Context<AppEnv>): AuditCall {
  return { actor: c.get("principal")?.sub ?? "anonymous", requestId: c.var.requestId };
}

/** The verified caller with this request's id, as rooms record their own decisions. */
export function caller(c: Context<AppEnv>) {
  return { ...c.var.principal, requestId: c.var.requestId };
}

/**
 * Record events in the program's hash chain before answering: a read of patient data is only
 * answered once it is recorded (503 otherwise), and a refusal is on the trail before the caller
 * hears of it. Changes are recorded by the directory itself, in the step that makes them.
 * `programOrChildId` is a program id or any id inside a program.
 */
export async function audit(
  c: Context<AppEnv>,
  programOrChildId: string,
  events: (Omit<AuditEvent, "actor"> & { actor?: string })[],
): Promise<void> {
  const programId = programOrChildId.startsWith("prg_") ? programOrChildId : programIdOf(programOrChildId);
  const dir = programId ? c.var.services.directory.program(programId) : null;
  if (!dir) return;
  const { actor, requestId } = auditCall(c);
  try {
    await dir.appendAudit(
      events.map((e) => ({ actor, requestId, ...e })),
      isoInstant(c.var.services.clock.now()),
    );
  } catch (err) {
    log("error", "audit.append.failed", { programId, error: (err as Error).name, requestId });
    throw new ApiError("unavailable", "The audit trail could not record this request; try again.");
  }
}
