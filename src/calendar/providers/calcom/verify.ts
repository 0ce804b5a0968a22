import { bodyBytes, fromHex, sha256, toHex, utf8 } from "../../../lib/bytes.ts";
import { anyHmacMatches } from "../../../lib/constant-time.ts";
import { refuse, type VerifyInput, type VerifyResult } from "../../../lib/verify-result.ts";

/** What Cal.com puts in the signature header when the webhook has no secret: never accepted. */
export const CALCOM_UNSIGNED = "no-secret-provided";

/**
 * Verify a Cal.com delivery: `X-Cal-Signature-256` is the hex HMAC-SHA256 of the raw body.
 * Cal.com sends no delivery id or timestamp, so the id is a digest of the body (identical on
 * every retry) and staleness is judged on the payload's `createdAt` by the normaliser.
 */
export async function verifyCalcom(input: VerifyInput): Promise<VerifyResult> {
  const header = input.headers.get("x-cal-signature-256")?.trim();
  if (!header) return refuse("missing-header", 400);
  if (header === CALCOM_UNSIGNED) return refuse("unsigned", 401);
  const signature = fromHex(header);
  if (signature?.length !== 32) return refuse("malformed-header", 400);
  const keys = input.secrets.filter((s) => s.length > 0).map(utf8);
  if (keys.length === 0) return refuse("no-secret", 401);

  const body = bodyBytes(input.rawBody);
  if (!(await anyHmacMatches(keys, body, [signature]))) return refuse("bad-signature", 401);
  return { ok: true, deliveryId: toHex(await sha256(body)) };
}
