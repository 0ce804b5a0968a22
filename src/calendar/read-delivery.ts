import type { CalendarChange, CalendarSource } from "../../schemas/calendar/change.ts";
import { parseJsonBody } from "../lib/parse-json.ts";
import type { VerifyFailure, VerifyInput } from "../lib/verify-result.ts";
import type { CalendarContext, CalendarDelivery } from "./calendar-book.ts";
import { GRAPH_RESYNC_WINDOW_MS } from "./follow-up-plan.ts";
import { normalizeCalcom } from "./providers/calcom/normalize.ts";
import { verifyCalcom } from "./providers/calcom/verify.ts";
import { normalizeCalendly } from "./providers/calendly/normalize.ts";
import { verifyCalendly } from "./providers/calendly/verify.ts";
import { NO_PARTICIPANTS, type NormalizeResult } from "./providers/common.ts";
import { type GooglePush, verifyGoogle } from "./providers/google/verify.ts";
import { safeResource } from "./providers/microsoft/api.ts";
import { eventIdOf } from "./providers/microsoft/event.ts";
import { normalizeMicrosoft } from "./providers/microsoft/normalize.ts";
import { verifyMicrosoft } from "./providers/microsoft/verify.ts";
import { normalizeStandard } from "./providers/standard/normalize.ts";
import { verifyStandard } from "./providers/standard/verify.ts";
import type { WorkOrder } from "./stores/work-store.ts";

/** What an authentic delivery asks for: changes and work, nothing (`ignored`), or a refusal. */
export type DeliveryPlan = CalendarDelivery | "ignored" | "stale" | "invalid";

/** A verified delivery, to be read once the program's context is known; or the verifier's refusal. */
export type Verified = VerifyFailure | { ok: true; read: (context: CalendarContext) => Promise<DeliveryPlan> };

/** Verify a delivery with the source's verifier, over the raw body, before anything is parsed. */
export async function verifyDelivery(source: CalendarSource, input: VerifyInput): Promise<Verified> {
  switch (source) {
    case "standard":
    case "calcom":
    case "calendly": {
      const verifier = { standard: verifyStandard, calcom: verifyCalcom, calendly: verifyCalendly }[source];
      const v = await verifier(input);
      if (!v.ok) return v;
      return { ok: true, read: (ctx) => signedDelivery(source, v.deliveryId, input, ctx) };
    }
    case "microsoft": {
      const v = await verifyMicrosoft(input);
      if (!v.ok) return v;
      return { ok: true, read: async (ctx) => microsoftDelivery(v.deliveryId, v.body, ctx, input.now) };
    }
    case "google": {
      const v = await verifyGoogle(input);
      if (!v.ok) return v;
      return { ok: true, read: async (ctx) => googleDelivery(v, ctx) };
    }
  }
}

/** Standard Webhooks, Cal.com and Calendly carry the event itself: parse (depth-bounded) and normalise. */
async function signedDelivery(
  source: "standard" | "calcom" | "calendly",
  deliveryId: string,
  input: VerifyInput,
  ctx: CalendarContext,
): Promise<DeliveryPlan> {
  const json = parseJsonBody(input.rawBody);
  if (!json.ok) return "invalid";
  const mapping = { emailHashKey: ctx.emailHashKey };
  let n: NormalizeResult;
  if (source === "standard") n = normalizeStandard(json.value);
  else if (source === "calcom") n = await normalizeCalcom(json.value, { ...mapping, now: input.now });
  else n = await normalizeCalendly(json.value, mapping);
  if (!n.ok) return n.reason === "stale" ? "stale" : "invalid";
  // A ping or an event type the product does not follow: acknowledged, nothing stored.
  if (n.changes.length === 0) return "ignored";
  return { source, deliveryId, changes: n.changes };
}

/**
 * Graph notifications carry no event data: deletions cancel at once (the event is gone, there is
 * nothing to fetch); creations and updates queue a fetch; lifecycle events queue what they ask for.
 * Items of subscriptions the program does not own are dropped.
 */
export function microsoftDelivery(deliveryId: string, body: unknown, ctx: CalendarContext, now: number): DeliveryPlan {
  const n = normalizeMicrosoft(body);
  if (!n.ok) return "invalid";
  const owned = new Set(ctx.graphSubscriptions);
  const changes: CalendarChange[] = [];
  const work: WorkOrder[] = [];
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
    } else work.push({ kind: "graph-removed", ref: l.subscriptionId });
  }
  if (changes.length === 0 && work.length === 0) return "ignored";
  return { source: "microsoft", deliveryId, changes, work };
}

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
