import { bodyBytes, concatBytes, fromHex, sha256, toHex, utf8 } from "../../../lib/bytes.ts";
import { anyHmacMatches } from "../../../lib/constant-time.ts";
import {
  parseUnixSeconds,
  refuse,
  type VerifyInput,
  type VerifyResult,
  withinTolerance,
} from "../../../lib/verify-result.ts";

/** Calendly's documented default: a signature older than three minutes is a replay. */
export const CALENDLY_TOLERANCE_SECONDS = 3 * 60;

const MAX_SIGNATURES = 8;

/**
 * Verify a Calendly delivery: `Calendly-Webhook-Signature: t=<unix s>,v1=<hex>` where v1 is the
 * HMAC-SHA256 of `t.body` under the webhook signing key. The delivery id digests `t` and the body.
 */
export async function verifyCalendly(
  input: VerifyInput & { toleranceSeconds?: number },
): Promise<VerifyResult<{ timestamp: number }>> {
  const header = input.headers.get("calendly-webhook-signature");
  if (!header) return refuse("missing-header", 400);
  const parsed = parseHeader(header);
  if (!parsed) return refuse("malformed-header", 400);
  if (!withinTolerance(parsed.t, input.now, input.toleranceSeconds ?? CALENDLY_TOLERANCE_SECONDS)) {
    return refuse("stale", 401);
  }
  const keys = input.secrets.filter((s) => s.length > 0).map(utf8);
  if (keys.length === 0) return refuse("no-secret", 401);

  const signed = concatBytes(utf8(`${parsed.t}.`), bodyBytes(input.rawBody));
  if (!(await anyHmacMatches(keys, signed, parsed.v1))) return refuse("bad-signature", 401);
  return { ok: true, deliveryId: toHex(await sha256(signed)), timestamp: parsed.t * 1000 };
}

/** `t` and every `v1` of the header; null when `t` is missing or no `v1` is hex. */
function parseHeader(header: string): { t: number; v1: Uint8Array[] } | null {
  let t: number | null = null;
  const v1: Uint8Array[] = [];
  for (const part of header.split(",").slice(0, MAX_SIGNATURES + 1)) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") t = parseUnixSeconds(value);
    else if (key === "v1") {
      const sig = fromHex(value);
      if (sig && sig.length === 32) v1.push(sig);
    }
  }
  return t === null || v1.length === 0 ? null : { t, v1 };
}
