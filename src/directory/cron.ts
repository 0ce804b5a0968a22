import { MAX_SESSION_MINUTES } from "../../schemas/session.ts";
import { scanAtRisk } from "../events/at-risk-scan.ts";
import { log } from "../lib/log.ts";
import { joinBounds } from "../rooms/admission.ts";
import { prepareUpcoming, rebindRooms } from "../rooms/rebind.ts";

/** KV prefix listing every program id, written once at creation (no value is ever rewritten). */
export const PROGRAM_REGISTRY_PREFIX = "programs/";

/** Record a new program so the cron can find it; one key per program, never read-modified-written. */
export async function registerProgram(kv: KVNamespace, programId: string): Promise<void> {
  await kv.put(`${PROGRAM_REGISTRY_PREFIX}${programId}`, "1");
}

/** How far back the cron looks for ended sessions: a day of missed runs is still caught. */
const ENDED_LOOKBACK_MS = 24 * 3600_000;

/**
 * Make sure every session that ended is finalised, even one nobody opened or joined: its room is
 * handed the session (which arms the room's end-of-session alarm), so its expected clients get
 * their no-show records. A room that already knows its session is left as it was.
 */
export async function finalizeEnded(env: Env, programId: string, now: number): Promise<number> {
  const around = await env.PROGRAMS.getByName(programId).roomBindingsBetween(
    now - ENDED_LOOKBACK_MS - MAX_SESSION_MINUTES * 60_000,
    now,
  );
  const ended = around.filter(
    (b) => b.session.status === "scheduled" && joinBounds(b.session, b.settings).closesAt <= now,
  );
  await rebindRooms(env.ROOMS, ended, now);
  return ended.length;
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
        await finalizeEnded(env, programId, now);
        // RealtimeKit rooms starting within 3 h are bound, so their alarms pre-enrol participants.
        await prepareUpcoming(env, programId, now);
        // Google syncs (push is not guaranteed) and renewals, run by the directory's alarm.
        await env.PROGRAMS.getByName(programId).scheduleCalendarFollowUps(now);
        // client.at-risk for programs whose endpoints want it (once per client and week).
        await scanAtRisk(env, programId, now);
        // Appends checkpoint themselves; this catches a head whose last checkpoint failed.
        await env.PROGRAMS.getByName(programId).checkpointAudit();
        programs++;
      } catch (err) {
        log("error", "cron.materialize.failed", { programId, error: (err as Error).name });
      }
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return programs;
}
