import type { CalendarSource } from "../../schemas/calendar/change.ts";
import { parseJsonBody } from "../lib/parse-json.ts";
import type { VerifyFailure, VerifyInput } from "../lib/verify-result.ts";
import type { CalendarContext, DeliveryPlan } from "./calendar-book.ts";
import { normalizeCalcom } from "./providers/calcom/normalize.ts";
import { verifyCalcom } from "./providers/calcom/verify.ts";
import { normalizeCalendly } from "./providers/calendly/normalize.ts";
import { verifyCalendly } from "./providers/calendly/verify.ts";
import type { NormalizeResult } from "./providers/common.ts";
import { googleDelivery } from "./providers/google/delivery.ts";
import { verifyGoogle } from "./providers/google/verify.ts";
import { microsoftDelivery } from "./providers/microsoft/delivery.ts";
import { verifyMicrosoft } from "./providers/microsoft/verify.ts";
import { normalizeStandard } from "./providers/standard/normalize.ts";
import { verifyStandard } from "./providers/standard/verify.ts";

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
