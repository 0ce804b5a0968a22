import { z } from "zod";
import { Id, Instant, LocalDate, SubjectId } from "./common.ts";
import { DisplayName, ShownName } from "./people.ts";

/** Lifecycle of a client's place in a track: active, stepped down to a lower level of care, discharged. */
export const EnrollmentStatus = z.enum(["active", "stepped-down", "discharged"]);
export type EnrollmentStatus = z.infer<typeof EnrollmentStatus>;

/** Allowed moves: stepping down and back up, and discharge from either; discharge is final. */
export const ENROLLMENT_TRANSITIONS: Record<EnrollmentStatus, readonly EnrollmentStatus[]> = {
  active: ["stepped-down", "discharged"],
  "stepped-down": ["active", "discharged"],
  discharged: [],
};

const endsAfterStart = (v: { startsOn?: string; endsOn?: string | null }) =>
  !v.startsOn || !v.endsOn || v.endsOn >= v.startsOn;

/** `POST /v1/programs/{programId}/enrollments`. */
export const EnrollmentCreate = z
  .strictObject({
    clientId: SubjectId,
    trackId: Id,
    startsOn: LocalDate,
    endsOn: LocalDate.optional(),
    displayName: DisplayName.optional().meta({ description: "The name staff see for the client (staff only)" }),
  })
  .refine(endsAfterStart, { path: ["endsOn"], message: "must not be before startsOn" })
  .meta({ id: "EnrollmentCreate" });
export type EnrollmentCreate = z.infer<typeof EnrollmentCreate>;

/** `PATCH /v1/enrollments/{enrollmentId}`. */
export const EnrollmentPatch = z
  .strictObject({
    status: EnrollmentStatus.optional(),
    endsOn: LocalDate.nullable().optional(),
    trackId: Id.optional().meta({ description: "Transfer to another track (its cap applies)" }),
    displayName: DisplayName.nullable().optional().meta({ description: "Set, or with null clear, the client's name" }),
  })
  .refine((p) => Object.keys(p).length > 0, "send at least one field")
  .meta({ id: "EnrollmentPatch" });
export type EnrollmentPatch = z.infer<typeof EnrollmentPatch>;

/** A client's enrollment, as stored and returned. */
export const Enrollment = z
  .strictObject({
    id: Id,
    programId: Id,
    clientId: SubjectId,
    trackId: Id,
    status: EnrollmentStatus,
    startsOn: LocalDate,
    endsOn: LocalDate.nullable(),
    createdAt: Instant,
    updatedAt: Instant,
    /** Added on the way out, from the program's people (never stored in the enrollment itself). */
    displayName: ShownName.optional(),
  })
  .meta({ id: "Enrollment" });
export type Enrollment = z.infer<typeof Enrollment>;

/** `GET /v1/programs/{programId}/enrollments` query: optional track and status filters. */
export const EnrollmentQuery = z.strictObject({
  trackId: Id.optional(),
  status: EnrollmentStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type EnrollmentQuery = z.infer<typeof EnrollmentQuery>;

/** A program's enrollments, oldest first. */
export const EnrollmentList = z.strictObject({ enrollments: z.array(Enrollment) }).meta({ id: "EnrollmentList" });
export type EnrollmentList = z.infer<typeof EnrollmentList>;
