import { z } from "zod";
import { Instant } from "./common.ts";

/** The events a clinic's systems can subscribe to (docs/events.md has an example of each). */
export const EVENT_TYPES = [
  "attendance.finalized",
  "attendance.corrected",
  "client.at-risk",
  "session.scheduled",
  "session.moved",
  "session.cancelled",
  "enrollment.changed",
] as const;
export const EventType = z.enum(EVENT_TYPES).meta({ id: "EventType" });
export type EventType = z.infer<typeof EventType>;

/**
 * One event as the product queues it, before any endpoint gets it. `id` is stable (the same change
 * always gets the same id), so a second hand-over of the same event is one event, and it is the
 * `webhook-id` every delivery of it carries. `body` is the exact JSON that is signed and sent.
 */
export const QueuedEvent = z.strictObject({
  id: z.string().regex(/^msg_[0-9a-f]{32}$/),
  type: EventType,
  occurredAt: z.number().int(),
  body: z.string(),
});
export type QueuedEvent = z.infer<typeof QueuedEvent>;

const EndpointUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .meta({
    description: "Where deliveries are POSTed: https, or http only to localhost in local development",
    example: "https://ehr.example.org/hooks/iop",
  });

/** `POST /v1/programs/{programId}/event-endpoints` */
export const EventEndpointCreate = z
  .strictObject({
    url: EndpointUrl,
    events: z.array(EventType).min(1).max(EVENT_TYPES.length),
    description: z
      .string()
      .max(200)
      .regex(/^[^@]*$/, "no e-mail addresses")
      .optional()
      .meta({ description: "What the endpoint is, for the clinic's admins (never a patient's name)" }),
  })
  .meta({ id: "EventEndpointCreate" });
export type EventEndpointCreate = z.infer<typeof EventEndpointCreate>;

/** `PATCH …/event-endpoints/{endpointId}`: change where and what, or switch a disabled endpoint back on. */
export const EventEndpointPatch = z
  .strictObject({
    url: EndpointUrl.optional(),
    events: z.array(EventType).min(1).max(EVENT_TYPES.length).optional(),
    description: EventEndpointCreate.shape.description,
    status: z.enum(["enabled", "disabled"]).optional().meta({
      description:
        "enabled: switch back on; deliveries held while it was off, and those that failed, are sent again. disabled: hold deliveries",
    }),
  })
  .refine((p) => Object.keys(p).length > 0, "send at least one field")
  .meta({ id: "EventEndpointPatch" });
export type EventEndpointPatch = z.infer<typeof EventEndpointPatch>;

/** `POST …/event-endpoints/{endpointId}/secret`: a new signing secret; the old one keeps signing until `overlapUntil`. */
export const EventSecretRotate = z
  .strictObject({
    overlapUntil: Instant.optional().meta({
      description:
        "Until when deliveries carry a signature with the old secret too (at most 7 days ahead); omit to stop using it at once",
    }),
  })
  .meta({ id: "EventSecretRotate" });
export type EventSecretRotate = z.infer<typeof EventSecretRotate>;

export const EventEndpointView = z
  .strictObject({
    id: z.string(),
    url: z.string(),
    events: z.array(EventType),
    description: z.string().nullable(),
    status: z.enum(["enabled", "disabled"]),
    disabledAt: Instant.nullable(),
    disabledReason: z.string().nullable().meta({
      description: "Why it was switched off: by an admin, or failing (no delivery succeeded for over a day)",
    }),
    lastSuccessAt: Instant.nullable(),
    failingSince: Instant.nullable(),
    secrets: z.array(
      z.strictObject({
        fingerprint: z.string().meta({ description: "First 12 hex digits of the secret's SHA-256" }),
        createdAt: Instant,
        expiresAt: Instant.nullable(),
      }),
    ),
    counts: z.strictObject({
      pending: z.number().int(),
      delivered: z.number().int(),
      failed: z.number().int(),
      held: z.number().int(),
    }),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: "EventEndpoint" });
export type EventEndpointView = z.infer<typeof EventEndpointView>;

export const EventEndpointCreated = EventEndpointView.extend({
  secret: z.string().meta({ description: "The signing secret (whsec_…), shown this once" }),
}).meta({ id: "EventEndpointCreated" });

export const DeliveryStatus = z.enum(["pending", "delivered", "failed", "held"]);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const EventDeliveryView = z
  .strictObject({
    eventId: z.string().meta({ description: "The webhook-id every attempt carried" }),
    type: EventType,
    status: DeliveryStatus.meta({
      description:
        "pending: will be tried (again); delivered: a 2xx came back; failed: every retry failed; held: the endpoint is disabled",
    }),
    attempts: z.number().int(),
    nextAttemptAt: Instant.nullable(),
    lastAttemptAt: Instant.nullable(),
    lastStatus: z.number().int().nullable().meta({ description: "The HTTP status of the last attempt, if any came" }),
    lastError: z.string().nullable().meta({ description: "timeout, network, redirect, or http <status>" }),
    deliveredAt: Instant.nullable(),
    createdAt: Instant,
  })
  .meta({ id: "EventDelivery" });
export type EventDeliveryView = z.infer<typeof EventDeliveryView>;

export const EventDeliveryQuery = z.object({
  status: DeliveryStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
