import { workerConfig } from "../config/worker-config.ts";
import { log } from "../lib/log.ts";
import { type CalendarRunnerDeps, runCalendarWork } from "./follow-up-work.ts";
import { webhookSecrets } from "./legacy-secrets.ts";
import { globalFetch, type HttpFetch } from "./providers/api-call.ts";
import { openSecrets } from "./secret-crypto.ts";
import type { WorkFilter } from "./stores/work-store.ts";

/**
 * The calendar runner of one program, wired from the Worker's environment. `fetchFn` is the global
 * `fetch` in production; tests pass a stand-in that speaks the Calendar API or Graph. New Google
 * channels carry the program's first (newest) Google channel token.
 */
export function calendarRunner(
  env: Env,
  programId: string,
  now: () => number,
  fetchFn: HttpFetch = globalFetch,
): CalendarRunnerDeps {
  const config = workerConfig(env);
  const directory = env.PROGRAMS.getByName(programId);
  // New channels carry the newest Google token set through the API, else the first in WEBHOOK_SECRETS.
  const channelToken = async () => {
    const context = await directory.calendarContext(now());
    const set = await openSecrets(context?.secrets ?? [], programId, "google", config.integrationKey);
    return set[0] ?? webhookSecrets(config.webhookSecrets, programId, "google")[0];
  };
  return {
    programId,
    directory,
    rooms: env.ROOMS,
    google: { fetch: fetchFn, ...config.google },
    channelToken,
    graph: { fetch: fetchFn, ...config.graph },
    now,
  };
}

/** Run a program's calendar work now (after a webhook answered, or from the cron). Never throws. */
export async function runProgramCalendarWork(
  env: Env,
  programId: string,
  filter: WorkFilter,
  now: () => number,
  fetchFn?: HttpFetch,
): Promise<{ items: number; failed: number }> {
  try {
    return await runCalendarWork(calendarRunner(env, programId, now, fetchFn), filter);
  } catch (err) {
    log("error", "calendar.work.failed", { programId, error: (err as Error).name });
    return { items: 0, failed: 0 };
  }
}

/**
 * The cron's calendar chores for one program: an incremental sync of every Google calendar (push
 * is not guaranteed), renewal of channels and subscriptions that expire within a day, and retries.
 */
export function reconcileCalendars(env: Env, programId: string, now: number, fetchFn?: HttpFetch) {
  return runProgramCalendarWork(env, programId, { reconcile: true }, () => now, fetchFn);
}
