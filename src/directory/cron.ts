import { reconcileCalendars } from "../calendar/wiring.ts";
import { log } from "../lib/log.ts";
import { rebindRooms } from "../rooms/rebind.ts";

/** KV prefix listing every program id, written once at creation (no value is ever rewritten). */
export const PROGRAM_REGISTRY_PREFIX = "programs/";

/** Record a new program so the cron can find it; one key per program, never read-modified-written. */
export async function registerProgram(kv: KVNamespace, programId: string): Promise<void> {
  await kv.put(`${PROGRAM_REGISTRY_PREFIX}${programId}`, "1");
}

/**
 * Roll every program's track sessions forward over the horizon. Idempotent, so a missed or
 * doubled cron run is harmless; KV's eventual consistency only delays a brand-new program,
 * whose sessions were materialised at track creation anyway.
 */
export async function materializeAll(env: Env, now: number): Promise<number> {
  let cursor: string | undefined;
  let programs = 0;
  do {
    const page = await env.ATTENDANCE.list({ prefix: PROGRAM_REGISTRY_PREFIX, cursor });
    for (const key of page.keys) {
      const programId = key.name.slice(PROGRAM_REGISTRY_PREFIX.length);
      try {
        const { bindings, ...counts } = await env.PROGRAMS.getByName(programId).materialize(now);
        log("info", "cron.materialize", { programId, ...counts });
        await rebindRooms(env.ROOMS, bindings, now);
        await reconcileCalendars(env, programId, now);
        programs++;
      } catch (err) {
        log("error", "cron.materialize.failed", { programId, error: (err as Error).name });
      }
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return programs;
}
