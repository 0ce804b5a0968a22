import { z } from "zod";
import { Id, Instant, LocalDate, SubjectId } from "./common.ts";
import { JoinRole } from "./join-token.ts";
import { ShownName } from "./people.ts";
import { SessionKind } from "./session.ts";

/** One client's outcome for one occurrence; `late`/`leftEarly` are also reported as booleans beside it. */
export const AttendanceStatus = z
  .enum(["present", "late", "left-early", "partial", "no-show", "excused"])
  .meta({ id: "AttendanceStatus" });
export type AttendanceStatus = z.infer<typeof AttendanceStatus>;

/** Short reason codes for excuses and corrections: no free text, since free text invites PHI. */
export const AttendanceReasonCode = z
  .enum(["illness", "technical", "clinical", "schedule-change", "admin-error", "other"])
  .meta({ id: "AttendanceReasonCode" });
export type AttendanceReasonCode = z.infer<typeof AttendanceReasonCode>;

/** Weeks in an ISO year: 53 when 1 January is a Thursday, or a Wednesday in a leap year. */
export function isoWeeksInYear(year: number): 52 | 53 {
  const p = (y: number) => (y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400)) % 7;
  return p(year) === 4 || p(year - 1) === 3 ? 53 : 52;
}

/** ISO-8601 week `YYYY-Www`, counted in the program's time zone; week 53 only in years that have one. */
export const IsoWeek = z
  .string()
  .regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/, "must be an ISO week YYYY-Www")
  .refine((w) => Number(w.slice(6)) <= isoWeeksInYear(Number(w.slice(0, 4))), "that year has no week 53")
  .meta({ id: "IsoWeek", example: "2026-W48" });
export type IsoWeek = z.infer<typeof IsoWeek>;

/** A span of presence, `[start, end)`, on the wire. */
export const Interval = z
  .strictObject({ start: Instant, end: Instant })
  .refine((i) => Date.parse(i.end) >= Date.parse(i.start), { path: ["end"], message: "must not precede start" })
  .meta({ id: "Interval" });
export type Interval = z.infer<typeof Interval>;

/** A connect or disconnect fact as the SessionRoom records it; `at` is epoch milliseconds. */
export const PresenceEvent = z
  .strictObject({
    eventId: z.string().min(1).max(200).meta({ description: "Dedupe key: a repeated id is ignored" }),
    participantId: SubjectId,
    type: z.enum(["connect", "disconnect"]),
    at: z.number().int().min(0),
    source: z.enum(["join", "leave", "admit", "remove", "provider", "end"]),
  })
  .meta({ id: "PresenceEvent" });
export type PresenceEvent = z.infer<typeof PresenceEvent>;

/** Program policy for statuses and minutes (a program setting). */
export { AttendancePolicy } from "./attendance-policy.ts";

const Minutes = z.number().int().min(0);

/** A staff correction of a record: who, when, why, and the values first computed from presence. */
const Correction = z.strictObject({
  originalStatus: AttendanceStatus,
  originalMinutes: Minutes,
  by: SubjectId,
  at: Instant,
  reasonCode: AttendanceReasonCode,
});

/** The KV value: one per client per occurrence. Opaque ids only, never a name. */
export const AttendanceRecord = z
  .strictObject({
    programId: Id,
    sessionId: Id,
    clientId: SubjectId,
    trackId: Id.nullable(),
    kind: SessionKind,
    localDate: LocalDate,
    isoWeek: IsoWeek,
    scheduledStart: Instant,
    scheduledEnd: Instant,
    scheduledMinutes: Minutes,
    attendedMinutes: Minutes.meta({
      description: "Attended time within the counted window, rounded by the program's rule",
    }),
    attendedSeconds: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: "The same time exact to the second (records written before it existed lack it)" }),
    clinicianIds: z
      .array(SubjectId)
      .optional()
      .meta({ description: "The session's facilitators of record (opaque ids)" }),
    firstArrivalAt: Instant.nullable(),
    lastDepartureAt: Instant.nullable(),
    intervals: z.array(Interval).meta({ description: "Merged presence as observed, before clipping" }),
    status: AttendanceStatus,
    late: z.boolean(),
    leftEarly: z.boolean(),
    modality: z.literal("telehealth"),
    excuse: z.strictObject({ reasonCode: AttendanceReasonCode, by: SubjectId, at: Instant }).nullable(),
    correction: Correction.nullable().meta({
      description: "Latest staff correction; original* keep the values first computed",
    }),
    recordedAt: Instant,
    version: z.number().int().min(1).meta({ description: "Grows with every correction; the highest wins" }),
  })
  .meta({ id: "AttendanceRecord" });
export type AttendanceRecord = z.infer<typeof AttendanceRecord>;

/** `PATCH` body a staff member sends to correct one client's attendance for one occurrence. */
export const AttendanceCorrection = z
  .strictObject({
    status: AttendanceStatus.optional(),
    attendedMinutes: Minutes.max(24 * 60).optional(),
    reasonCode: AttendanceReasonCode,
  })
  .refine((c) => c.status !== undefined || c.attendedMinutes !== undefined, "send status, attendedMinutes or both")
  .meta({ id: "AttendanceCorrection" });
export type AttendanceCorrection = z.infer<typeof AttendanceCorrection>;

/** `GET …/clients/{clientId}/attendance?week=` response: a client's week against the program minimum. */
export const WeeklyAttendance = z
  .strictObject({
    week: IsoWeek,
    clientId: SubjectId,
    displayName: ShownName.optional(),
    minutesAttended: Minutes,
    minutesRequired: Minutes,
    meetsMinimum: z.boolean(),
    atRisk: z
      .boolean()
      .meta({ description: "The minimum is not met and the sessions still scheduled this week cannot reach it" }),
    daysMeetingDailyMinimum: z
      .number()
      .int()
      .min(0)
      .max(7)
      .meta({ description: "Days with at least 3 hours (H0015 wants 3 or more)" }),
    days: z.array(z.strictObject({ date: LocalDate, minutes: Minutes, meetsDailyMinimum: z.boolean() })),
    sessions: z.array(
      z.strictObject({
        sessionId: Id,
        localDate: LocalDate,
        kind: SessionKind,
        scheduledMinutes: Minutes,
        attendedMinutes: Minutes,
        status: AttendanceStatus,
      }),
    ),
  })
  .meta({ id: "WeeklyAttendance" });
export type WeeklyAttendance = z.infer<typeof WeeklyAttendance>;

/** `GET /v1/sessions/{sessionId}/attendance` response: every participant's presence in one occurrence. */
export const SessionRoster = z
  .strictObject({
    sessionId: Id,
    scheduledStart: Instant,
    scheduledEnd: Instant,
    scheduledMinutes: Minutes,
    final: z.boolean().meta({ description: "false while the session runs: minutes and statuses are provisional" }),
    participants: z.array(
      z.strictObject({
        participantId: SubjectId,
        displayName: ShownName.optional(),
        role: JoinRole,
        intervals: z.array(Interval),
        attendedMinutes: Minutes,
        status: AttendanceStatus.nullable().meta({ description: "Clients only; null for staff and family" }),
        late: z.boolean(),
        leftEarly: z.boolean(),
        firstArrivalAt: Instant.nullable(),
        lastDepartureAt: Instant.nullable(),
        version: z
          .number()
          .int()
          .min(1)
          .nullable()
          .meta({ description: "Once final: the ledger record's version (status and minutes are the record's)" }),
        correction: Correction.nullable().meta({ description: "Once final: the record's latest staff correction" }),
      }),
    ),
  })
  .meta({ id: "SessionRoster" });
export type SessionRoster = z.infer<typeof SessionRoster>;

/** `GET /v1/programs/{programId}/attendance?from&to` JSON response: the program's ledger by local date. */
export const AttendanceLedger = z
  .strictObject({ programId: Id, from: LocalDate, to: LocalDate, records: z.array(AttendanceRecord) })
  .meta({ id: "AttendanceLedger" });
export type AttendanceLedger = z.infer<typeof AttendanceLedger>;
