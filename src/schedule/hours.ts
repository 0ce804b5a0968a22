import { minutesOfDay } from "./civil-date.ts";
import type { TrackPattern } from "./pattern.ts";

/**
 * Scheduled weekly hours against the program minimum (ASAM level 2.1: 9 h a week for adults,
 * 6 h for adolescents). Hours are wall-clock hours, as clinicians plan and bill them: a DST
 * week does not make a 3-hour group 2 or 4 hours long.
 */

/**
 * Minutes a week a track is scheduled for, rounded to the minute. With INTERVAL above 1 this
 * is the average week: MO/WE/FR 09:00–12:00 every other week reports 270, not 540 or 0.
 */
export function scheduledWeeklyMinutes(
  pattern: Pick<TrackPattern, "days" | "interval" | "startTime" | "endTime">,
): number {
  const perSession = Math.max(0, minutesOfDay(pattern.endTime) - minutesOfDay(pattern.startTime));
  return Math.round((pattern.days.length * perSession) / Math.max(1, pattern.interval));
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
