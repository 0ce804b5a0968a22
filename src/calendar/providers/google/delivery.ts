import type { CalendarContext, DeliveryPlan } from "../../calendar-book.ts";
import type { GooglePush } from "./verify.ts";

/**
 * A Google push says only "something changed" on a channel: for a channel the program owns (and
 * the resource it was opened on), queue an incremental sync of its calendar. `sync` (the channel's
 * first message), `not_exists` and unknown channels are acknowledged and ignored.
 */
export function googleDelivery(push: GooglePush & { deliveryId: string }, ctx: CalendarContext): DeliveryPlan {
  if (push.action !== "sync") return "ignored";
  const channel = ctx.googleChannels.find((c) => c.id === push.channelId);
  if (!channel || (channel.resourceId && channel.resourceId !== push.resourceId)) return "ignored";
  return {
    source: "google",
    deliveryId: push.deliveryId,
    changes: [],
    work: [{ kind: "google-sync", ref: channel.calendarId }],
  };
}
