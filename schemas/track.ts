import { z } from "zod";
import { Id, Instant, LocalDate, LocalTime, plainText, SubjectId } from "./common.ts";
import { MAX_GROUP_CAP } from "./program.ts";

/** RFC 5545 weekday code. */
export const Weekday = z.enum(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]).meta({ id: "Weekday" });
export type Weekday = z.infer<typeof Weekday>;

/** Staff-facing only: never put in tokens, room names, keys or logs (it may reveal treatment). */
const TrackName = plainText(80);

const Days = z
  .array(Weekday)
  .min(1, "give at least one weekday")
  .refine((d) => new Set(d).size === d.length, "weekdays must not repeat")
  .meta({ example: ["MO", "WE", "TH"] });

// RRULE and EXDATE texts are checked by the schedule core (src/schedule/pattern.ts), which the
// directory runs on every track it stores; the contract only bounds their size.
const Rrule = z.string().max(500).meta({
  description:
    "RFC 5545 rule, instead of days: FREQ=DAILY, WEEKLY or MONTHLY; INTERVAL, UNTIL or COUNT, BYDAY (ordinals such as 1SA or -1FR when monthly), BYMONTHDAY (monthly), WKST",
  example: "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR",
});

const Exdate = z
  .string()
  .max(2000)
  .meta({ description: "RFC 5545 EXDATE value or line, or a local date", example: "EXDATE;VALUE=DATE:20261126" });

const GroupCap = z.number().int().min(1).max(MAX_GROUP_CAP);

/** What a series' sessions are: a group with enrolled clients, or one client's individual or family therapy. */
export const SeriesKind = z.enum(["group", "individual", "family"]);
export type SeriesKind = z.infer<typeof SeriesKind>;
const ClientIds = z
  .array(SubjectId)
  .max(1)
  .meta({ description: "Individual and family series: the one client they are for" });
const FamilyIds = z
  .array(SubjectId)
  .max(8)
  .refine((ids) => new Set(ids).size === ids.length, "family members must not repeat")
  .meta({ description: "Family series: the family members invited" });
const SkipDates = z.array(LocalDate).max(366).meta({ description: "Local dates with no session (holidays)" });
const FacilitatorIds = z
  .array(SubjectId)
  .max(20)
  .refine((ids) => new Set(ids).size === ids.length, "facilitators must not repeat");

type Shape = {
  days?: readonly string[] | undefined;
  rrule?: string | undefined;
  startTime?: string | undefined;
  endTime?: string | undefined;
  startsOn?: string | undefined;
  endsOn?: string | null | undefined;
};

/** Cross-field rules, checked wherever both fields of a pair are present. */
function checkPairs(v: Shape, ctx: z.RefinementCtx): void {
  if (v.days !== undefined && v.rrule !== undefined) {
    ctx.addIssue({ code: "custom", path: ["rrule"], message: "give either days or rrule, not both" });
  }
  // Zero-padded HH:MM and YYYY-MM-DD compare correctly as strings.
  if (v.startTime !== undefined && v.endTime !== undefined && v.endTime <= v.startTime) {
    ctx.addIssue({ code: "custom", path: ["endTime"], message: "must be after startTime on the same day" });
  }
  if (v.startsOn !== undefined && typeof v.endsOn === "string" && v.endsOn < v.startsOn) {
    ctx.addIssue({ code: "custom", path: ["endsOn"], message: "must not be before startsOn" });
  }
}

/** Who a series of each kind is for: a group takes enrollments; the others name their one client. */
function checkKind(
  v: {
    kind: SeriesKind;
    clientIds?: readonly string[];
    familyIds?: readonly string[];
    facilitatorIds: readonly string[];
    groupCap?: number;
  },
  ctx: z.RefinementCtx,
): void {
  if (v.kind === "group") {
    if (v.clientIds?.length)
      ctx.addIssue({ code: "custom", path: ["clientIds"], message: "a group takes enrollments, not listed clients" });
    if (v.familyIds?.length)
      ctx.addIssue({ code: "custom", path: ["familyIds"], message: "only family series invite family members" });
    return;
  }
  if (v.clientIds?.length !== 1)
    ctx.addIssue({ code: "custom", path: ["clientIds"], message: `an ${v.kind} series is for exactly one client` });
  if (v.kind === "individual" && v.familyIds?.length)
    ctx.addIssue({ code: "custom", path: ["familyIds"], message: "only family series invite family members" });
  if (v.facilitatorIds.length === 0)
    ctx.addIssue({ code: "custom", path: ["facilitatorIds"], message: "name the clinician" });
  if (v.groupCap !== undefined)
    ctx.addIssue({ code: "custom", path: ["groupCap"], message: "only group series have a cap" });
}

/**
 * `POST /v1/programs/{programId}/tracks`: a recurring series in the program's time zone — a group
 * track (clients enroll in it), or one client's individual or family therapy.
 */
export const TrackCreate = z
  .strictObject({
    name: TrackName,
    kind: SeriesKind.default("group"),
    clientIds: ClientIds.optional(),
    familyIds: FamilyIds.optional(),
    days: Days.optional(),
    rrule: Rrule.optional(),
    startTime: LocalTime,
    endTime: LocalTime.meta({ example: "12:00" }),
    startsOn: LocalDate,
    endsOn: LocalDate.optional(),
    groupCap: GroupCap.optional().meta({ description: "Defaults to the program's groupCapDefault" }),
    facilitatorIds: FacilitatorIds.default([]),
    skipDates: SkipDates.optional(),
    exdates: z.array(Exdate).max(366).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.days === undefined && v.rrule === undefined) {
      ctx.addIssue({ code: "custom", path: ["days"], message: "give days or an rrule" });
    }
    checkPairs(v, ctx);
    checkKind(v, ctx);
  })
  .meta({ id: "TrackCreate" });
export type TrackCreate = z.infer<typeof TrackCreate>;

/** `PATCH` of a track: any subset; `endsOn: null` removes the end date. */
export const TrackPatch = z
  .strictObject({
    name: TrackName.optional(),
    days: Days.optional(),
    rrule: Rrule.optional(),
    startTime: LocalTime.optional(),
    endTime: LocalTime.optional(),
    startsOn: LocalDate.optional(),
    endsOn: LocalDate.nullable().optional(),
    groupCap: GroupCap.optional(),
    facilitatorIds: FacilitatorIds.optional(),
    familyIds: FamilyIds.optional(),
    skipDates: SkipDates.optional(),
    exdates: z.array(Exdate).max(366).optional(),
  })
  .superRefine((v, ctx) => {
    if (Object.keys(v).length === 0) ctx.addIssue({ code: "custom", path: [], message: "send at least one field" });
    checkPairs(v, ctx);
  })
  .meta({ id: "TrackPatch" });
export type TrackPatch = z.infer<typeof TrackPatch>;

/** Lifecycle of a track: an ended track materializes no new occurrences. */
export const TrackStatus = z.enum(["active", "ended"]);
export type TrackStatus = z.infer<typeof TrackStatus>;

/** A track as stored by the program's directory and returned by the API. */
export const Track = z
  .strictObject({
    id: Id,
    programId: Id,
    name: z.string(),
    kind: SeriesKind.default("group"),
    clientIds: z.array(SubjectId).default([]),
    familyIds: z.array(SubjectId).default([]),
    days: z.array(Weekday).meta({
      description:
        "Weekdays the rule meets on (for an RRULE, its BYDAY; all seven for a daily rule without BYDAY; empty for a monthly rule by day of month)",
    }),
    rrule: z.string().optional(),
    startTime: LocalTime,
    endTime: LocalTime,
    startsOn: LocalDate,
    endsOn: LocalDate.optional(),
    groupCap: GroupCap,
    facilitatorIds: z.array(SubjectId),
    skipDates: z.array(LocalDate),
    exdates: z.array(z.string()).optional().meta({ description: "EXDATEs as received" }),
    status: TrackStatus,
    scheduledWeeklyMinutes: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: "Wall-clock minutes a week; the average week for INTERVAL > 1 and for monthly rules" }),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: "Track" });
export type Track = z.infer<typeof Track>;
