import { z } from "zod";
import { Instant, SubjectId } from "../common.ts";
import { SessionKind } from "../session.ts";

/** Calendar systems that call `POST /v1/webhooks/calendar/{programId}/{source}`. */
export const CalendarSource = z.enum(["standard", "calcom", "calendly", "google", "microsoft"]);
export type CalendarSource = z.infer<typeof CalendarSource>;

/** base64url HMAC-SHA256 of a normalised e-mail under the program's key: matchable, not reversible. */
export const EmailHash = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be a 32-byte base64url hash");
export type EmailHash = z.infer<typeof EmailHash>;

/**
 * Who the change names, and how to apply it: `set` replaces the occurrence's calendar-named
 * participants (sources that send the full list), `add`/`remove` change one (Calendly's
 * per-invitee events), `unchanged` means the source said nothing about participants.
 */
export const ParticipantsChange = z.strictObject({
  mode: z.enum(["set", "add", "remove", "unchanged"]),
  clientIds: z.array(SubjectId).max(64),
  emailHashes: z.array(EmailHash).max(64),
});
export type ParticipantsChange = z.infer<typeof ParticipantsChange>;

/**
 * One product-level change from a calendar source. An occurrence is keyed by `(source, externalId)`;
 * `alias` is a further externalId the same occurrence is known by from now on (a Cal.com reschedule
 * creates a new booking uid). `version` orders changes to one occurrence: higher wins, so an older
 * reschedule never overwrites a newer one. No titles, names, answers or e-mails, by construction.
 */
export const CalendarChange = z
  .strictObject({
    source: CalendarSource,
    externalId: z.string().min(1).max(1024),
    action: z.enum(["upsert", "cancel"]),
    startsAt: Instant.optional(),
    endsAt: Instant.optional(),
    version: z.number().int().nonnegative(),
    kind: SessionKind.optional(),
    trackRef: z.string().min(1).max(1024).optional(),
    alias: z.string().min(1).max(1024).optional(),
    /**
     * A cancellation the sender may take back with a newer change of the same occurrence: Cal.com's
     * "request reschedule" (the new booking follows as a reschedule of it), Google's bin (an event
     * restored from it comes back confirmed, with a newer `updated`). Other cancellations are final.
     */
    reopenable: z.boolean().optional(),
    facilitatorIds: z.array(SubjectId).max(8).optional(),
    participants: ParticipantsChange,
  })
  .refine((c) => c.action === "cancel" || (c.startsAt !== undefined && c.endsAt !== undefined), {
    message: "an upsert carries startsAt and endsAt",
  })
  .refine((c) => !c.startsAt || !c.endsAt || Date.parse(c.endsAt) > Date.parse(c.startsAt), {
    path: ["endsAt"],
    message: "must be after startsAt",
  });
export type CalendarChange = z.infer<typeof CalendarChange>;
