import { z } from "zod";

/** RealtimeKit writes instants as ISO-8601 UTC with milliseconds, e.g. `2026-06-03T10:05:00.000Z`. */
const Instant = z.iso.datetime({ offset: false });

/**
 * The fields of a RealtimeKit webhook body the product uses (developers.cloudflare.com/realtime/
 * realtimekit/webhooks/, "Event payloads"). Everything else, the participant's `userDisplayName` and the
 * organisation's name among it, is dropped when parsed: presence needs no names.
 */
export const RealtimeKitWebhookEvent = z.object({
  event: z.string().min(1).max(64),
  meeting: z
    .object({
      id: z.string().min(1).max(64),
      sessionId: z.string().min(1).max(64).optional(),
      /** The product titles each meeting with its opaque room name. */
      title: z.string().max(256).optional(),
      endedAt: Instant.optional(),
    })
    .optional(),
  participant: z
    .object({
      /** The id the product gave at Add Participant (`custom_participant_id`). */
      customParticipantId: z.string().min(1).max(256).optional(),
      joinedAt: Instant.optional(),
      leftAt: Instant.optional(),
    })
    .optional(),
  /** `meeting.ended` only: `HOST_ENDED_MEETING` or `ALL_PARTICIPANTS_LEFT`. */
  reason: z.string().max(64).optional(),
});
export type RealtimeKitWebhookEvent = z.infer<typeof RealtimeKitWebhookEvent>;
