/**
 * A client's week against the program minimum (9 h for adults, 6 h for adolescents) and the
 * H0015 day rule (3 h a day, on at least 3 days). Pure: the records come from one KV listing.
 */
import type { AttendanceRecord, WeeklyAttendance } from "../../schemas/attendance.ts";

/** H0015 counts a day only with at least 3 hours of programming. */
export const DEFAULT_DAILY_MINIMUM_HOURS = 3;

/** A client's records and what is left scheduled in one ISO week. */
export interface WeeklyInput {
  week: string;
  clientId: string;
  /** Records as listed; other weeks' and other clients' are ignored. */
  records: readonly AttendanceRecord[];
  /** The program's `minimumWeeklyHours`. */
  minimumWeeklyHours: number;
  dailyMinimumHours?: number;
  /** Scheduled minutes of the client's sessions this week that have not happened yet. */
  remaining: { scheduledMinutes: number };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Of two versions of one record, the one to trust: highest `version`, then the latest `recordedAt`. */
function newer(a: AttendanceRecord, b: AttendanceRecord): AttendanceRecord {
  if (a.version !== b.version) return a.version > b.version ? a : b;
  if (a.recordedAt !== b.recordedAt) return a.recordedAt > b.recordedAt ? a : b;
  return a.attendedMinutes >= b.attendedMinutes ? a : b;
}

/**
 * The week report. `minutesAttended` is the sum of attended minutes (excused sessions add what
 * was attended, usually 0: an excuse explains an absence, it does not bill hours). A session
 * listed twice counts once, its highest version winning. `atRisk` is true when the minimum is not
 * met yet and even attending every remaining scheduled minute would not reach it.
 */
export function weeklyAttendance(input: WeeklyInput): WeeklyAttendance {
  const dailyMinimum = Math.round((input.dailyMinimumHours ?? DEFAULT_DAILY_MINIMUM_HOURS) * 60);
  const minutesRequired = Math.round(input.minimumWeeklyHours * 60);

  const bySession = new Map<string, AttendanceRecord>();
  for (const r of input.records) {
    if (r.isoWeek !== input.week || r.clientId !== input.clientId) continue;
    const seen = bySession.get(r.sessionId);
    bySession.set(r.sessionId, seen ? newer(seen, r) : r);
  }
  const records = [...bySession.values()].sort(
    (a, b) => cmp(a.scheduledStart, b.scheduledStart) || cmp(a.sessionId, b.sessionId),
  );

  const perDay = new Map<string, number>();
  let minutesAttended = 0;
  for (const r of records) {
    minutesAttended += r.attendedMinutes;
    perDay.set(r.localDate, (perDay.get(r.localDate) ?? 0) + r.attendedMinutes);
  }
  const days = [...perDay.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([date, minutes]) => ({ date, minutes, meetsDailyMinimum: minutes >= dailyMinimum }));

  const meetsMinimum = minutesAttended >= minutesRequired;
  const reachable = minutesAttended + Math.max(0, input.remaining.scheduledMinutes);
  return {
    week: input.week,
    clientId: input.clientId,
    minutesAttended,
    minutesRequired,
    meetsMinimum,
    atRisk: !meetsMinimum && reachable < minutesRequired,
    daysMeetingDailyMinimum: days.filter((d) => d.meetsDailyMinimum).length,
    days,
    sessions: records.map((r) => ({
      sessionId: r.sessionId,
      localDate: r.localDate,
      kind: r.kind,
      scheduledMinutes: r.scheduledMinutes,
      attendedMinutes: r.attendedMinutes,
      status: r.status,
    })),
  };
}
