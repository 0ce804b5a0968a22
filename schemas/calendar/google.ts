import { z } from "zod";

const GoogleWhen = z.object({
  dateTime: z.string().max(64).optional(),
  date: z.string().max(16).optional(),
  timeZone: z.string().max(64).optional(),
});

/**
 * The fields of a Calendar API v3 event resource the product uses. `z.object` strips the rest
 * (summary, description, attendee names) at parse time, so titles never reach our storage.
 */
export const GoogleEvent = z.object({
  id: z.string().min(1).max(1024),
  status: z.string().max(32).optional(),
  updated: z.string().max(64).optional(),
  sequence: z.number().int().optional(),
  start: GoogleWhen.optional(),
  end: GoogleWhen.optional(),
  recurringEventId: z.string().max(1024).optional(),
  extendedProperties: z.object({ private: z.record(z.string(), z.string()).optional() }).optional(),
  attendees: z
    .array(
      z.object({
        email: z.string().max(320).optional(),
        organizer: z.boolean().optional(),
        self: z.boolean().optional(),
        resource: z.boolean().optional(),
      }),
    )
    .max(500)
    .optional(),
});
export type GoogleEvent = z.infer<typeof GoogleEvent>;

/** One page of `events.list`: items, and either the next page's token or the next sync token. */
export const GoogleEventsPage = z.object({
  items: z.array(z.unknown()).max(2500).default([]),
  nextPageToken: z.string().min(1).max(4096).optional(),
  nextSyncToken: z.string().min(1).max(4096).optional(),
});
