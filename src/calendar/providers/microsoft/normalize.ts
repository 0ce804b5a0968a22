import {
  GraphLifecycleEvent,
  GraphLifecycleEventName,
  GraphNotificationBody,
  GraphResourceChange,
} from "../../../../schemas/calendar/microsoft.ts";
import { toInstant } from "../common.ts";

/** What a Graph notification asks for: resources to fetch, and subscription chores. */
export type MicrosoftNormalized =
  | { ok: true; changes: GraphResourceChange[]; lifecycle: GraphLifecycleEvent[] }
  | { ok: false; reason: "invalid-payload" };

const CHANGE_TYPES = new Set(["created", "updated", "deleted"]);

/**
 * Split a verified Graph body into resource changes (fetched later by the caller: the notification
 * carries no event data) and lifecycle events (`reauthorizationRequired`, `subscriptionRemoved`,
 * `missed`). Unknown change types and lifecycle events are dropped, not failed.
 */
export function normalizeMicrosoft(payload: unknown): MicrosoftNormalized {
  const parsed = GraphNotificationBody.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: "invalid-payload" };
  const changes: GraphResourceChange[] = [];
  const lifecycle: GraphLifecycleEvent[] = [];
  for (const n of parsed.data.value) {
    if (n.lifecycleEvent !== undefined) {
      const event = GraphLifecycleEventName.safeParse(n.lifecycleEvent);
      if (!event.success) continue;
      const expiresAt = toInstant(n.subscriptionExpirationDateTime) ?? undefined;
      lifecycle.push(
        GraphLifecycleEvent.parse({
          subscriptionId: n.subscriptionId,
          event: event.data,
          expiresAt,
          tenantId: n.tenantId,
        }),
      );
    } else if (n.changeType && n.resource && CHANGE_TYPES.has(n.changeType)) {
      changes.push(
        GraphResourceChange.parse({
          subscriptionId: n.subscriptionId,
          changeType: n.changeType,
          resource: n.resource,
          resourceId: n.resourceData?.id,
          tenantId: n.tenantId,
        }),
      );
    }
  }
  return { ok: true, changes, lifecycle };
}
