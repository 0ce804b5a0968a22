import { bodyBytes, concatBytes, fromBase64, utf8 } from "../../../lib/bytes.ts";
import { anyHmacMatches } from "../../../lib/constant-time.ts";
import {
  parseUnixSeconds,
  refuse,
  type VerifyInput,
  type VerifyResult,
  withinTolerance,
} from "../../../lib/verify-result.ts";

/** The spec's default: deliveries older or newer than five minutes are replays or clock trouble. */
export const STANDARD_TOLERANCE_SECONDS = 5 * 60;

const SECRET_PREFIX = "whsec_";
// A sender lists one signature per active secret; more than this is abuse, not rotation.
const MAX_SIGNATURES = 16;
const MAX_ID_LENGTH = 256;

/**
 * Verify a Standard Webhooks delivery (`webhook-id`, `webhook-timestamp`, `webhook-signature`, or
 * the same as `svix-*`) over the raw body. Written on WebCrypto rather than the `standardwebhooks` package because that
 * package reads `Date.now()` itself (no injected clock) and only signs strings, not raw bytes.
 */
export async function verifyStandard(
  input: VerifyInput & { toleranceSeconds?: number },
): Promise<VerifyResult<{ timestamp: number }>> {
  const { id, ts, signatureHeader } = signedHeaders(input.headers);
  if (!id || !ts || !signatureHeader) return refuse("missing-header", 400);
  if (id.length > MAX_ID_LENGTH) return refuse("malformed-header", 400);
  const seconds = parseUnixSeconds(ts);
  if (seconds === null) return refuse("malformed-header", 400);
  if (!withinTolerance(seconds, input.now, input.toleranceSeconds ?? STANDARD_TOLERANCE_SECONDS)) {
    return refuse("stale", 401);
  }

  const signatures = v1Signatures(signatureHeader);
  if (signatures.length === 0) return refuse("unsigned", 401);
  const keys = input.secrets.map(decodeSecret).filter((k): k is Uint8Array => k !== null);
  if (keys.length === 0) return refuse("no-secret", 401);

  const signed = concatBytes(utf8(`${id}.${ts}.`), bodyBytes(input.rawBody));
  if (!(await anyHmacMatches(keys, signed, signatures))) return refuse("bad-signature", 401);
  return { ok: true, deliveryId: id, timestamp: seconds * 1000 };
}

/**
 * The three signing headers, as one set: `webhook-*` (the specification's names), else `svix-*`,
 * which Svix sends unless its customer pays for the white-label prefix. Never a mix of the two, so
 * a header of one set cannot stand in for the other's.
 */
function signedHeaders(headers: Headers) {
  const prefix = headers.has("webhook-id") || !headers.has("svix-id") ? "webhook" : "svix";
  return {
    id: headers.get(`${prefix}-id`),
    ts: headers.get(`${prefix}-timestamp`),
    signatureHeader: headers.get(`${prefix}-signature`),
  };
}

/** The decoded `v1` entries of a space-separated signature list; other versions are skipped. */
function v1Signatures(header: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const entry of header.split(" ").slice(0, MAX_SIGNATURES)) {
    const comma = entry.indexOf(",");
    if (comma < 0 || entry.slice(0, comma) !== "v1") continue;
    const sig = fromBase64(entry.slice(comma + 1));
    if (sig && sig.length > 0) out.push(sig);
  }
  return out;
}

/** A `whsec_`-prefixed (or bare) base64 secret as key bytes; null for an unusable secret. */
function decodeSecret(secret: string): Uint8Array | null {
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = fromBase64(b64);
  return key && key.length > 0 ? key : null;
}
