import { bodyBytes, concatBytes, fromBase64, utf8 } from "../../lib/bytes.ts";
import { anyHmacMatches } from "../../lib/constant-time.ts";
import { parseJsonBody } from "../../lib/parse-json.ts";
import { refuse, type VerifyInput, type VerifyResult, withinTolerance } from "../../lib/verify-result.ts";

/**
 * Daily webhooks, as docs.daily.co reference/rest-api/webhooks ("hmac") documents them: each POST carries
 * `X-Webhook-Signature` and `X-Webhook-Timestamp`; the signature is HMAC-SHA256 under the webhook's `hmac`
 * secret, which is base64 ("a BASE-64 encoded HMAC-sha256 secret"; a secret of our own given at creation must
 * be base64 too) and keys the HMAC decoded, over the timestamp, a dot and the body as sent; the signature
 * is itself base64.
 * Checked here over the raw bytes, before any parsing. Daily documents no replay window: the tolerance
 * below is this product's. Every configured secret is tried (old and new during a rotation).
 */

export const DAILY_SIGNATURE_HEADER = "x-webhook-signature";
export const DAILY_TIMESTAMP_HEADER = "x-webhook-timestamp";
/** Deliveries stamped further than this from our clock are replays or clock trouble. */
export const DAILY_TOLERANCE_SECONDS = 5 * 60;

/** A decimal Unix time: seconds, possibly with a fraction, or milliseconds (Daily does not document the unit). */
const TIMESTAMP = /^[0-9]{9,13}(\.[0-9]{1,6})?$/;
/** Base64 of a 32-byte HMAC-SHA256, padded or not. */
const SIGNATURE = /^[A-Za-z0-9+/]{43}=?$/;
const MAX_ID_LENGTH = 256;

/**
 * Verify one Daily delivery and parse its body. The delivery id is the event's `id`; `timestamp` (epoch
 * ms) is the signed send time. Missing or malformed headers are 400, anything unauthentic 401.
 */
export async function verifyDaily(
  input: VerifyInput & { toleranceSeconds?: number },
): Promise<VerifyResult<{ timestamp: number; payload: unknown }>> {
  const signature = input.headers.get(DAILY_SIGNATURE_HEADER)?.trim();
  const ts = input.headers.get(DAILY_TIMESTAMP_HEADER)?.trim();
  if (!signature || !ts) return refuse("missing-header", 400);
  const seconds = unixSeconds(ts);
  const mac = SIGNATURE.test(signature) ? fromBase64(signature.padEnd(44, "=")) : null;
  if (seconds === null || !mac) return refuse("malformed-header", 400);
  if (!withinTolerance(seconds, input.now, input.toleranceSeconds ?? DAILY_TOLERANCE_SECONDS)) {
    return refuse("stale", 401);
  }

  const keys = input.secrets.map(decodeSecret).filter((k): k is Uint8Array => k !== null);
  if (keys.length === 0) return refuse("no-secret", 401);
  const body = bodyBytes(input.rawBody);
  // The header's own text is what Daily signed: no reformatting of the number.
  const signed = concatBytes(utf8(`${ts}.`), body);
  if (!(await anyHmacMatches(keys, signed, [mac]))) return refuse("bad-signature", 401);

  const json = parseJsonBody(body);
  if (!json.ok) return refuse("malformed-body", 400);
  const event = json.value;
  const id = event && typeof event === "object" && "id" in event ? event.id : undefined;
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_ID_LENGTH) return refuse("malformed-body", 400);
  return { ok: true, deliveryId: id, timestamp: seconds * 1000, payload: event };
}

/**
 * True for the check Daily POSTs when a webhook is created or re-activated, which must be answered 200
 * before Daily stores the webhook. The docs show its body only as a sample that our copy of them lacks;
 * integrations agree it is `{"test":"test"}`. It carries no event and yields no facts, so answering it
 * without a signature admits nothing.
 */
export function isDailyVerificationCheck(rawBody: Uint8Array | string): boolean {
  const json = parseJsonBody(rawBody, 2);
  if (!json.ok || !json.value || typeof json.value !== "object" || Array.isArray(json.value)) return false;
  const keys = Object.keys(json.value);
  return keys.length === 1 && (json.value as { test?: unknown }).test === "test";
}

/** Whole seconds of the header's time; a value past 10^11 is taken as milliseconds. */
function unixSeconds(ts: string): number | null {
  if (!TIMESTAMP.test(ts)) return null;
  const n = Number(ts);
  const seconds = Math.floor(n > 1e11 ? n / 1000 : n);
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : null;
}

/** The webhook's `hmac` as key bytes; null for a secret that is not base64 or is empty. */
function decodeSecret(secret: string): Uint8Array | null {
  const key = fromBase64(secret.trim());
  return key && key.length > 0 ? key : null;
}
