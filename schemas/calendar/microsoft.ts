import { z } from "zod";
import { Instant } from "../common.ts";

/** Graph lifecycle events this product acts on; others are acknowledged and ignored. */
export const GraphLifecycleEventName = z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]);
export type GraphLifecycleEventName = z.infer<typeof GraphLifecycleEventName>;

// Provider payload: `z.object` strips every field not listed, so nothing else is ever carried on.
const GraphNotificationItem = z
  .object({
    subscriptionId: z.string().min(1).max(256),
    clientState: z.string().max(256).optional(),
    changeType: z.string().max(64).optional(),
    resource: z.string().min(1).max(2048).optional(),
    resourceData: z.object({ id: z.string().max(1024).optional() }).optional(),
    lifecycleEvent: z.string().max(64).optional(),
    subscriptionExpirationDateTime: z.string().max(64).optional(),
    tenantId: z.string().max(128).optional(),
  })
  .refine((n) => n.lifecycleEvent !== undefined || (n.changeType !== undefined && n.resource !== undefined), {
    message: "a change notification names its changeType and resource",
  });

/** A Microsoft Graph change (or lifecycle) notification body: `{ value: [...] }`. */
export const GraphNotificationBody = z.object({ value: z.array(GraphNotificationItem).min(1).max(1000) });
export type GraphNotificationBody = z.infer<typeof GraphNotificationBody>;
export type GraphNotificationItem = z.infer<typeof GraphNotificationItem>;

/** A resource Graph says changed; the lead's code fetches it later (the notification carries no data). */
export const GraphResourceChange = z.strictObject({
  subscriptionId: z.string(),
  changeType: z.enum(["created", "updated", "deleted"]),
  resource: z.string(),
  resourceId: z.string().optional(),
  tenantId: z.string().optional(),
});
export type GraphResourceChange = z.infer<typeof GraphResourceChange>;

/** A lifecycle notification: renew the subscription, recreate it, or resync what was missed. */
export const GraphLifecycleEvent = z.strictObject({
  subscriptionId: z.string(),
  event: GraphLifecycleEventName,
  expiresAt: Instant.optional(),
  tenantId: z.string().optional(),
});
export type GraphLifecycleEvent = z.infer<typeof GraphLifecycleEvent>;
