import { bodyBytes, fromBase64, sha256, toHex } from "../../lib/bytes.ts";
import { parseJsonBody } from "../../lib/parse-json.ts";
import { refuse, type VerifyResult } from "../../lib/verify-result.ts";

/**
 * RealtimeKit webhooks, as developers.cloudflare.com/realtime/realtimekit/webhooks/ documents them:
 * `rtk-signature` is the base64 RSA-SHA256 (RSASSA-PKCS1-v1_5) signature of the raw body, checked against
 * RealtimeKit's public key (published as PEM at `REALTIMEKIT_WEBHOOK_KEY_URL`); `rtk-uuid` names the
 * delivery and `rtk-webhook-id` the webhook configuration. Neither header is signed, and nothing signed
 * holds a delivery id or a send time, so the dedupe id is made from what is signed: the body's SHA-256.
 * A replayed body is the same body, so it dedupes too.
 */

export const REALTIMEKIT_SIGNATURE_HEADER = "rtk-signature";
export const REALTIMEKIT_DELIVERY_HEADER = "rtk-uuid";
export const REALTIMEKIT_WEBHOOK_ID_HEADER = "rtk-webhook-id";
/** Where RealtimeKit publishes its webhook key (`data.publicKey`). The product pins the key in config instead of fetching it per delivery. */
export const REALTIMEKIT_WEBHOOK_KEY_URL = "https://api.realtime.cloudflare.com/.well-known/webhooks.json";

const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;
/** Base64 of an RSA signature of 1024 to 8192 bits. */
const SIGNATURE = /^[A-Za-z0-9+/]{170,1400}={0,2}$/;

/**
 * The public key from its PEM text (`-----BEGIN PUBLIC KEY-----`, SPKI), as `webhooks.json` gives it or a
 * secret stores it (with real or `\n`-escaped line breaks). Null when it is not an RSA public key.
 */
export async function importRealtimeKitKey(pem: string): Promise<CryptoKey | null> {
  const b64 = pem
    .replace(/\\n/g, "\n")
    .replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "")
    .replace(/\s+/g, "");
  const der = fromBase64(b64);
  if (!der || der.length === 0) return null;
  try {
    return await crypto.subtle.importKey("spki", der, RSA, false, ["verify"]);
  } catch {
    return null;
  }
}

/**
 * Verify a RealtimeKit delivery against every configured key (old and new during a rotation), then parse
 * the body. The delivery id is `rtk_` and the body's SHA-256 in hex; `rtk-uuid` is passed on for the log.
 */
export async function verifyRealtimeKit(input: {
  rawBody: Uint8Array | string;
  headers: Headers;
  keys: readonly CryptoKey[];
}): Promise<VerifyResult<{ payload: unknown; deliveryUuid?: string; webhookId?: string }>> {
  const header = input.headers.get(REALTIMEKIT_SIGNATURE_HEADER)?.trim();
  if (!header) return refuse("missing-header", 401);
  const signature = SIGNATURE.test(header) ? fromBase64(header) : null;
  if (!signature) return refuse("malformed-header", 401);
  if (input.keys.length === 0) return refuse("no-secret", 401);

  const body = bodyBytes(input.rawBody);
  let verified = false;
  for (const key of input.keys) {
    try {
      if (await crypto.subtle.verify(RSA, key, signature, body)) verified = true;
    } catch {
      // A key of another kind: it cannot have signed this.
    }
  }
  if (!verified) return refuse("bad-signature", 401);

  const json = parseJsonBody(body);
  if (!json.ok) return refuse("malformed-body", 400);
  if (typeof json.value !== "object" || json.value === null) return refuse("malformed-body", 400);
  return {
    ok: true,
    deliveryId: `rtk_${toHex(await sha256(body))}`,
    payload: json.value,
    ...optionalHeader("deliveryUuid", input.headers.get(REALTIMEKIT_DELIVERY_HEADER)),
    ...optionalHeader("webhookId", input.headers.get(REALTIMEKIT_WEBHOOK_ID_HEADER)),
  };
}

/** An unsigned header for the log, only when it looks like an id (it is not authenticated). */
function optionalHeader<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value && /^[A-Za-z0-9-]{1,64}$/.test(value) ? ({ [key]: value } as Record<K, string>) : {};
}
