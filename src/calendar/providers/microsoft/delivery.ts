import type { CalendarChange } from "../../../../schemas/calendar/change.ts";
import type { CalendarContext, DeliveryPlan } from "../../calendar-book.ts";
import type { FollowUpOrder } from "../../follow-up-items.ts";
import { GRAPH_RESYNC_WINDOW_MS } from "../../follow-up-plan.ts";
import { NO_PARTICIPANTS } from "../common.ts";
import { safeResource } from "./api.ts";
import { eventIdOf } from "./event.ts";
import { normalizeMicrosoft } from "./normalize.ts";

/**
 * Graph notifications carry no event data: deletions cancel at once (the event is gone, there is
 * nothing to fetch); creations and updates queue a fetch; lifecycle events list what they ask for (`subscriptionRemoved`: make it anew).
 * Items of subscriptions the program does not own are dropped.
 */
export function microsoftDelivery(deliveryId: string, body: unknown, ctx: CalendarContext, now: number): DeliveryPlan {
  const n = normalizeMicrosoft(body);
  if (!n.ok) return "invalid";
  const owned = new Set(ctx.graphSubscriptions);
  const changes: CalendarChange[] = [];
  const work: FollowUpOrder[] = [];
  for (const c of n.changes) {
    if (!owned.has(c.subscriptionId)) continue;
    const externalId = eventIdOf(c.resource, c.resourceId);
    if (c.changeType === "deleted" && externalId) {
      const version = now;
      changes.push({
        source: "microsoft",
        externalId,
        action: "cancel",
        version,
        trackRef: c.subscriptionId,
        participants: NO_PARTICIPANTS,
      });
    } else if (c.changeType !== "deleted" && safeResource(c.resource)) {
      work.push({ kind: "graph-fetch", ref: c.resource, detail: { subscriptionId: c.subscriptionId } });
    }
  }
  for (const l of n.lifecycle) {
    if (!owned.has(l.subscriptionId)) continue;
    if (l.event === "reauthorizationRequired") work.push({ kind: "graph-renew", ref: l.subscriptionId });
    else if (l.event === "missed") {
      work.push({
        kind: "graph-resync",
        ref: l.subscriptionId,
        detail: { since: String(now - GRAPH_RESYNC_WINDOW_MS) },
      });
    } else work.push({ kind: "graph-recreate", ref: l.subscriptionId });
  }
  if (changes.length === 0 && work.length === 0) return "ignored";
  return { source: "microsoft", deliveryId, changes, work };
}
