import { z } from "zod";
import { Id, Instant, SubjectId } from "./common.ts";

/** Whose sessions a feed lists: one client's, one facilitator's, or one track's. */
export const FeedSubject = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("client"), id: SubjectId }),
    z.strictObject({ type: z.literal("facilitator"), id: SubjectId }),
    z.strictObject({ type: z.literal("track"), id: Id }),
  ])
  .meta({ id: "FeedSubject" });
export type FeedSubject = z.infer<typeof FeedSubject>;

/** `POST /v1/programs/{programId}/calendar-feeds`: make (or rotate) a subject's feed. */
export const FeedCreate = z.strictObject({ subject: FeedSubject }).meta({ id: "FeedCreate" });
export type FeedCreate = z.infer<typeof FeedCreate>;

/** A new feed: its URL holds the secret and is shown once. */
export const Feed = z
  .object({
    feedId: Id,
    url: z
      .string()
      .meta({ description: "The private iCalendar URL to subscribe to; shown once, stored only as a hash" }),
    subject: FeedSubject,
    createdAt: Instant,
  })
  .meta({ id: "CalendarFeed" });
export type Feed = z.infer<typeof Feed>;
