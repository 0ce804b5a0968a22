import { z } from "zod";

// Provider payloads: `z.object` strips every field not listed (titles, names, responses), so
// nothing personal survives parsing except the attendee e-mails, which are hashed at once.

/** Cal.com's envelope; `payload` is read only for the booking events we act on. */
export const CalcomDelivery = z.object({
  triggerEvent: z.string().min(1).max(64),
  createdAt: z.string().max(64),
  payload: z.unknown(),
});
export type CalcomDelivery = z.infer<typeof CalcomDelivery>;

/** The fields of a Cal.com booking payload the product uses. */
export const CalcomBooking = z.object({
  uid: z.string().min(1).max(256),
  rescheduleUid: z.string().min(1).max(256).nullish(),
  /** Set on the BOOKING_CANCELLED that Cal.com's "request reschedule" sends: the booking is to be rebooked. */
  requestReschedule: z.boolean().nullish(),
  startTime: z.string().max(64).optional(),
  endTime: z.string().max(64).optional(),
  eventTypeId: z.union([z.number().int(), z.string().min(1).max(64)]).nullish(),
  attendees: z
    .array(z.object({ email: z.string().max(320).optional() }))
    .max(100)
    .default([]),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});
export type CalcomBooking = z.infer<typeof CalcomBooking>;
