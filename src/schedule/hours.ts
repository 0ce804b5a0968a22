import { epochDay, GREGORIAN_CYCLE_DAYS, minutesOfDay } from "./civil-date.ts";
import type { TrackPattern } from "./pattern.ts";
import { ruleDays } from "./rule-days.ts";

/**
 * Scheduled weekly hours against the program minimum (ASAM level 2.1: 9 h a week for adults,
 * 6 h for adolescents). Hours are wall-clock hours, as clinicians plan and bill them: a DST
 * week does not make a 3-hour group 2 or 4 hours long.
 */

/** A full pattern, or the weekly fields alone (a WEEKLY average needs nothing else). */
export type WeeklyMinutesInput = Pick<TrackPattern, "days" | "interval" | "startTime" | "endTime"> &
  ({ freq?: "WEEKLY" } | TrackPattern);

/**
 * Minutes a week a track is scheduled for, rounded to the minute: the average week of the rule
 * as it repeats, before COUNT, UNTIL, endsOn and exclusions. MO/WE/FR 09:00–12:00 every other
 * week reports 270, not 540 or 0. A DAILY rule is averaged over 7 × INTERVAL days, after which
 * it repeats exactly (weekdays MO–FR 09:00–12:00 report 900). A MONTHLY rule is averaged over
 * the 400 years from `startsOn` (20,871 weeks, exact unless INTERVAL does not divide 4800): a
 * 3-hour first Saturday reports 41 (180 × 4800 / 20871, about 3 h × 12 / 52).
 */
export function scheduledWeeklyMinutes(pattern: WeeklyMinutesInput): number {
  const perSession = Math.max(0, minutesOfDay(pattern.endTime) - minutesOfDay(pattern.startTime));
  return Math.round(perSession * sessionsPerWeek(pattern));
}

function sessionsPerWeek(pattern: WeeklyMinutesInput): number {
  const interval = Math.max(1, pattern.interval);
  if (pattern.freq !== "DAILY" && pattern.freq !== "MONTHLY") return pattern.days.length / interval;
  const first = epochDay(pattern.startsOn);
  const span = pattern.freq === "DAILY" ? 7 * interval : GREGORIAN_CYCLE_DAYS;
  let sessions = 0;
  for (const _ of ruleDays(pattern, first, first + span - 1)) sessions += 1;
  return (sessions * 7) / span;
}

/** A client's (or a track's) week compared with the program's minimum. */
export interface WeeklyPlan {
  scheduledMinutes: number;
  minimumMinutes: number;
  meetsMinimum: boolean;
  /** Present only below the minimum; plain words for staff, no personal data. */
  warning?: string;
}

/**
 * Add up a weekly plan: the tracks' scheduled minutes plus individual and family sessions, and
 * warn when it falls below `minimumWeeklyHours` (the program setting).
 */
export function weeklyPlan(
  plan: { tracks: readonly { scheduledWeeklyMinutes: number }[]; individualMinutes: number },
  minimumWeeklyHours: number,
): WeeklyPlan {
  const scheduledMinutes = plan.tracks.reduce((sum, t) => sum + t.scheduledWeeklyMinutes, 0) + plan.individualMinutes;
  const minimumMinutes = Math.round(minimumWeeklyHours * 60);
  if (scheduledMinutes >= minimumMinutes) return { scheduledMinutes, minimumMinutes, meetsMinimum: true };
  return {
    scheduledMinutes,
    minimumMinutes,
    meetsMinimum: false,
    warning:
      `Scheduled ${formatHours(scheduledMinutes)} a week, below the program minimum of ` +
      `${formatHours(minimumMinutes)} (${formatHours(minimumMinutes - scheduledMinutes)} short).`,
  };
}

/** `540` → "9 h", `450` → "7 h 30 min", `45` → "45 min". */
export function formatHours(minutes: number): string {
  const total = Math.round(minutes);
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
