import { GraphNotificationBody } from "../../../../schemas/calendar/microsoft.ts";
import { bodyBytes, sha256, toHex } from "../../../lib/bytes.ts";
import { matchesAnySecret } from "../../../lib/constant-time.ts";
import { parseJsonBody } from "../../../lib/parse-json.ts";
import { refuse, type VerifyInput, type VerifyResult } from "../../../lib/verify-result.ts";

/**
 * Answer Graph's subscription handshake: when the request carries `validationToken`, echo it
 * (as decoded from the query string) as `text/plain`, with no side effect. Otherwise null.
 */
export function graphValidationResponse(url: URL): Response | null {
  const token = url.searchParams.get("validationToken");
  if (token === null) return null;
  return new Response(token, {
    status: 200,
    // nosniff: the token is attacker-chosen text and must never be rendered as HTML.
    headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" },
  });
}

/**
 * Verify a Graph change or lifecycle notification. Graph does not sign bodies; every item must
 * carry the `clientState` we set on the subscription (any current secret), compared in constant
 * time. Parses the body (the route has already bounded its size); id = a digest of the body.
 */
export async function verifyMicrosoft(input: VerifyInput): Promise<VerifyResult<{ body: GraphNotificationBody }>> {
  const json = parseJsonBody(input.rawBody);
  if (!json.ok) return refuse("malformed-body", 400);
  const parsed = GraphNotificationBody.safeParse(json.value);
  if (!parsed.success) return refuse("malformed-body", 400);
  if (!input.secrets.some((s) => s.length > 0)) return refuse("no-secret", 401);

  let authentic = true;
  for (const item of parsed.data.value) {
    // Check every item even after a failure: the answer must not depend on which one was forged.
    const ok = item.clientState !== undefined && (await matchesAnySecret(item.clientState, input.secrets));
    authentic &&= ok;
  }
  if (!authentic) return refuse("bad-signature", 401);
  return { ok: true, deliveryId: toHex(await sha256(bodyBytes(input.rawBody))), body: parsed.data };
}
