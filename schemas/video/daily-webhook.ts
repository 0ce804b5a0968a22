import { z } from "zod";

/** Daily writes times as Unix seconds, often with a fraction (`1708972279.961`). */
const Seconds = z.number().finite().positive().max(1e11);

/**
 * The common fields of every Daily webhook body (docs.daily.co reference/rest-api/webhooks/events, "Common
 * fields"): `type`, `id` ("an identifier representing this specific event"), `payload`, and `event_ts`,
 * when the webhook was sent (not when the event happened). `version` is the payload's semantic version.
 */
export const DailyWebhookEvent = z.object({
  version: z.string().max(32).optional(),
  type: z.string().min(1).max(64),
  id: z.string().min(1).max(256),
  event_ts: Seconds.optional(),
  payload: z.unknown(),
});
export type DailyWebhookEvent = z.infer<typeof DailyWebhookEvent>;

/**
 * `participant.joined` / `participant.left` payload fields presence uses: the room name, the `user_id`
 * the meeting token set, `joined_at` (seconds) and, on `left`, `duration` (seconds in the call). The
 * `user_name`, `session_id`, `owner` and `permissions` Daily also sends are dropped here, unread.
 */
export const DailyParticipantPayload = z.object({
  room: z.string().min(1).max(128),
  user_id: z.string().min(1).max(256),
  joined_at: Seconds,
  duration: z.number().finite().nonnegative().max(1e7).optional(),
});
export type DailyParticipantPayload = z.infer<typeof DailyParticipantPayload>;

/** `meeting.ended` payload fields presence uses: the room and `end_ts`, when the meeting ended (seconds). */
export const DailyMeetingEndedPayload = z.object({
  room: z.string().min(1).max(128),
  end_ts: Seconds,
});
export type DailyMeetingEndedPayload = z.infer<typeof DailyMeetingEndedPayload>;
