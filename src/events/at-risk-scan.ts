import { weeklyAttendance } from "../attendance/weekly.ts";
import { LedgerReader } from "../ledger/reader.ts";
import { isoWeekBounds, isoWeekOf } from "../schedule/zoned.ts";
import { atRiskEvent } from "./catalogue.ts";

/** Slack below which a week is in danger: one more missed hour and the minimum is out of reach. */
export const DANGER_SLACK_MINUTES = 60;

/**
 * Whether a client's week calls for `client.at-risk`: the minimum is not met and either it can no
 * longer be met (the at-risk report's rule), or some scheduled time was already missed and attending
 * everything still scheduled would clear it by less than DANGER_SLACK_MINUTES. A week planned at
 * exactly the minimum (three 3-hour groups for 9 hours) is not in danger until something is missed.
 */
export function weekInDanger(
  w: { minutesAttended: number; minutesRequired: number },
  minutes: { stillScheduled: number; scheduledSoFar: number },
): boolean {
  if (w.minutesAttended >= w.minutesRequired) return false;
  const slack = w.minutesAttended + minutes.stillScheduled - w.minutesRequired;
  if (slack < 0) return true;
  const missed = minutes.scheduledSoFar - w.minutesAttended;
  return missed > 0 && slack < DANGER_SLACK_MINUTES;
}

/**
 * The cron's at-risk turn for one program, only where an endpoint subscribes to `client.at-risk`:
 * this week's clients are weighed as the at-risk report weighs them, and each one in danger is
 * handed to the relay. The event's id is the client and the week, so the relay sends it once per
 * client and week however many runs find it.
 */
export async function scanAtRisk(env: Env, programId: string, now: number): Promise<number> {
  const dir = env.PROGRAMS.getByName(programId);
  if (!(await dir.subscribeEvents()).includes("client.at-risk")) return 0;
  const program = await dir.getProgram();
  if (!program) return 0;
  const isoWeek = isoWeekOf(now, program.timezone);
  const bounds = isoWeekBounds(isoWeek, program.timezone);
  const reader = new LedgerReader(env.ATTENDANCE);
  const src = { programId, part2: program.settings.part2 ?? true };
  const events = [];
  for (const clientId of await dir.weekClients(bounds)) {
    const [records, stillScheduled, wholeWeek] = await Promise.all([
      reader.week(programId, clientId, isoWeek),
      dir.scheduledMinutes(clientId, Math.max(now, bounds.start), bounds.end),
      dir.scheduledMinutes(clientId, bounds.start, bounds.end),
    ]);
    const w = weeklyAttendance({
      week: isoWeek,
      clientId,
      records,
      minimumWeeklyHours: program.settings.minimumWeeklyHours,
      dailyMinimumHours: program.settings.attendance.dailyMinimumHours,
      remaining: { scheduledMinutes: stillScheduled },
    });
    if (!weekInDanger(w, { stillScheduled, scheduledSoFar: Math.max(0, wholeWeek - stillScheduled) })) continue;
    const week = { clientId, isoWeek, minutesAttended: w.minutesAttended, minutesRequired: w.minutesRequired };
    events.push(atRiskEvent(src, { ...week, minutesScheduled: stillScheduled }, now));
  }
  if (events.length > 0) await env.EVENTS.getByName(programId).accept(programId, events, now);
  return events.length;
}
