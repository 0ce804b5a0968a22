import { z } from "zod";

// Provider payloads: `z.object` strips every field not listed (names, questions and answers,
// tracking), so nothing personal survives parsing except the e-mail, which is hashed at once.

/** Calendly's envelope; `payload` is read only for the invitee events we act on. */
export const CalendlyDelivery = z.object({
  event: z.string().min(1).max(64),
  created_at: z.string().max(64),
  payload: z.unknown(),
});
export type CalendlyDelivery = z.infer<typeof CalendlyDelivery>;

/** The fields of an `invitee.created` / `invitee.canceled` payload the product uses. */
export const CalendlyInvitee = z.object({
  email: z.string().max(320).optional(),
  scheduled_event: z.object({
    uri: z.url().max(512),
    start_time: z.string().max(64),
    end_time: z.string().max(64),
    event_type: z.string().min(1).max(512).optional(),
    status: z.string().max(32).optional(),
  }),
});
export type CalendlyInvitee = z.infer<typeof CalendlyInvitee>;
