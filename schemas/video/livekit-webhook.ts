import { z } from "zod";

/**
 * The fields of a LiveKit `WebhookEvent` the product uses. LiveKit's server encodes it with
 * protojson, so the int64 `createdAt` (unix seconds) arrives as a decimal string.
 */
export const LivekitWebhookEvent = z.object({
  event: z.string().min(1).max(64),
  id: z.string().min(1).max(256),
  createdAt: z.union([z.number().int().nonnegative(), z.string().regex(/^[0-9]{1,12}$/)]).optional(),
  room: z.object({ name: z.string().min(1).max(256) }).optional(),
  participant: z.object({ identity: z.string().min(1).max(256) }).optional(),
});
export type LivekitWebhookEvent = z.infer<typeof LivekitWebhookEvent>;

/** A participant connected to or disconnected from a room, at the provider's time. */
export const PresenceFact = z.strictObject({
  /** LiveKit's event id: dedupe on it. */
  eventId: z.string(),
  /** The room name the product gave LiveKit (opaque). */
  room: z.string(),
  /** The participant identity the product put in the join token (opaque); empty for `room-finished`. */
  identity: z.string(),
  /** `room-finished`: the platform closed the room, so everyone still connected left at `at`. */
  type: z.enum(["connect", "disconnect", "room-finished"]),
  /** Epoch ms, from the event's `createdAt` seconds. */
  at: z.number().int().nonnegative(),
});
export type PresenceFact = z.infer<typeof PresenceFact>;
