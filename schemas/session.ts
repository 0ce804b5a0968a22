import { z } from "zod";
import { Id, Instant, LocalDate, SubjectId } from "./common.ts";
import { MAX_GROUP_CAP } from "./program.ts";

/** Group therapy, one client with one clinician, or a client with invited family members. */
export const SessionKind = z.enum(["group", "individual", "family"]);
export type SessionKind = z.infer<typeof SessionKind>;

/** Scheduling state; the room's live state (open, closed) is the SessionRoom's. */
export const SessionStatus = z.enum(["scheduled", "cancelled"]);

/** Longest session the product accepts: a day's IOP block, not a multi-day event. */
export const MAX_SESSION_MINUTES = 8 * 60;

const Participants = {
  facilitatorIds: z.array(SubjectId).max(4).default([]),
  clientIds: z.array(SubjectId).max(MAX_GROUP_CAP).optional(),
  familyIds: z.array(SubjectId).max(8).optional(),
  observerIds: z.array(SubjectId).max(4).optional(),
};

/** Checks shared by creation and moves: a real interval of sane length. */
function checkInterval(v: { startsAt: string; endsAt: string }, ctx: z.RefinementCtx) {
  const minutes = (Date.parse(v.endsAt) - Date.parse(v.startsAt)) / 60_000;
  if (!(minutes > 0)) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be after startsAt" });
  else if (minutes > MAX_SESSION_MINUTES) {
    ctx.addIssue({
      code: "custom",
      path: ["endsAt"],
      message: `a session lasts at most ${MAX_SESSION_MINUTES} minutes`,
    });
  }
}

/** `POST /v1/programs/{programId}/sessions`: an ad-hoc occurrence. */
export const SessionCreate = z
  .strictObject({
    kind: SessionKind,
    startsAt: Instant,
    endsAt: Instant,
    trackId: Id.optional().meta({ description: "For an extra group meeting of a track" }),
    cap: z.number().int().min(1).max(MAX_GROUP_CAP).optional(),
    ...Participants,
  })
  .superRefine((v, ctx) => {
    checkInterval(v, ctx);
    const clients = v.clientIds?.length ?? 0;
    if (v.kind === "individual" && clients !== 1) {
      ctx.addIssue({ code: "custom", path: ["clientIds"], message: "an individual session has exactly one client" });
    }
    if (v.kind === "family" && clients < 1) {
      ctx.addIssue({ code: "custom", path: ["clientIds"], message: "a family session has at least one client" });
    }
    if (v.kind !== "family" && v.familyIds?.length) {
      ctx.addIssue({ code: "custom", path: ["familyIds"], message: "only family sessions invite family members" });
    }
    if (v.kind === "group" && !v.trackId && clients === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["clientIds"],
        message: "a group without a track needs its clients listed",
      });
    }
  })
  .meta({ id: "SessionCreate" });
export type SessionCreate = z.infer<typeof SessionCreate>;

/**
 * `PATCH /v1/sessions/{sessionId}`: move to a new time (both ends together) and/or change the cap.
 * A lower cap stops new joins and evicts nobody.
 */
export const SessionMove = z
  .strictObject({
    startsAt: Instant.optional(),
    endsAt: Instant.optional(),
    cap: z.number().int().min(1).max(MAX_GROUP_CAP).optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.startsAt === undefined) !== (v.endsAt === undefined)) {
      ctx.addIssue({ code: "custom", path: [v.startsAt ? "endsAt" : "startsAt"], message: "move both ends together" });
    } else if (v.startsAt !== undefined && v.endsAt !== undefined) {
      checkInterval({ startsAt: v.startsAt, endsAt: v.endsAt }, ctx);
    } else if (v.cap === undefined) {
      ctx.addIssue({ code: "custom", path: [], message: "send startsAt and endsAt, or cap" });
    }
  })
  .meta({ id: "SessionMove" });
export type SessionMove = z.infer<typeof SessionMove>;

/** Where an occurrence came from; calendar ones keep their external id (never the event title). */
export const SessionOrigin = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("track"),
    occurrenceKey: z.string(),
    /** Moved by hand: the track's later changes no longer reset its time. */
    detached: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal("adhoc") }),
  z.strictObject({ type: z.literal("calendar"), source: z.string(), externalId: z.string(), version: z.number() }),
]);

/** One session occurrence, as stored by the program's directory and returned by the API. */
export const Session = z
  .strictObject({
    id: Id,
    programId: Id,
    trackId: Id.nullable(),
    kind: SessionKind,
    status: SessionStatus,
    startsAt: Instant,
    endsAt: Instant,
    localDate: LocalDate,
    cap: z.number().int().min(1).max(MAX_GROUP_CAP).nullable(),
    facilitatorIds: z.array(SubjectId),
    clientIds: z
      .array(SubjectId)
      .meta({ description: "Listed clients (individual, family, ad-hoc groups); hidden from clients" }),
    familyIds: z.array(SubjectId),
    observerIds: z.array(SubjectId),
    origin: SessionOrigin,
    version: z.number().int().min(1).meta({ description: "Grows with every move or cancel" }),
    createdAt: Instant,
    updatedAt: Instant,
    checkInAsksName: z.boolean().optional().meta({
      description:
        "A client's view: their check-in may give the name their care team sees (the program allows it and staff set none)",
    }),
    nameShownInCall: z
      .boolean()
      .optional()
      .meta({ description: "A client's view: the others in the video call see that name (else an alias)" }),
  })
  .meta({ id: "Session" });
export type Session = z.infer<typeof Session>;

/**
 * `GET /v1/programs/{programId}/sessions` query: the sessions that overlap [from, to) (a session
 * running across `from` is included), a page at a time.
 */
export const SessionRange = z
  .strictObject({
    from: Instant,
    to: Instant,
    trackId: Id.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(200),
    cursor: z
      .string()
      .regex(/^\d{1,16}\.[a-z]{2,4}_[0-9a-z]{10,40}$/, "must be the `next` of a previous page")
      .optional()
      .meta({ description: "The previous page's `next`, to continue the listing" }),
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { path: ["to"], message: "must be after from" })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 400 * 86_400_000, {
    path: ["to"],
    message: "a range covers at most 400 days",
  });
export type SessionRange = z.infer<typeof SessionRange>;

/** A page of sessions. */
export const SessionList = z
  .object({
    sessions: z.array(Session),
    next: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last" }),
  })
  .meta({ id: "SessionList" });
