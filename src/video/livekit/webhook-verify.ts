import { decodeJwt, type JWTPayload, jwtVerify } from "jose";
import { bodyBytes, sha256, toBase64, utf8 } from "../../lib/bytes.ts";
import { timingSafeEqual } from "../../lib/constant-time.ts";
import { parseJsonBody } from "../../lib/parse-json.ts";
import { refuse, type VerifyResult } from "../../lib/verify-result.ts";

/** One LiveKit API key and its secret. Several entries with the same key are a secret rotation. */
export interface LivekitKey {
  apiKey: string;
  apiSecret: string;
}

/** The clock skew livekit-server-sdk's own `TokenVerifier` allows. */
export const LIVEKIT_CLOCK_TOLERANCE_SECONDS = 10;

/**
 * Verify a LiveKit webhook: `Authorization` holds an HS256 JWT from the API secret, issuer = API
 * key, with `exp`, `nbf` (LiveKit's server sets both, valid five minutes) and `sha256` = base64
 * SHA-256 of the raw body. Then parses the body; the delivery id is the event's `id`.
 */
export async function verifyLivekit(input: {
  rawBody: Uint8Array | string;
  headers: Headers;
  keys: readonly LivekitKey[];
  now: number;
  clockToleranceSeconds?: number;
}): Promise<VerifyResult<{ timestamp?: number; payload: unknown }>> {
  const header = input.headers.get("authorization")?.trim();
  if (!header) return refuse("missing-header", 401);
  const token = header.replace(/^Bearer\s+/i, "");
  let issuer: unknown;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    return refuse("malformed-header", 401);
  }
  // The API key is an identifier, not a secret: picking candidates by it leaks nothing.
  const candidates = input.keys.filter((k) => k.apiKey === issuer && k.apiSecret.length > 0);
  if (candidates.length === 0) return refuse("no-secret", 401);

  let claims: JWTPayload | null = null;
  let stale = false;
  for (const key of candidates) {
    try {
      const verified = await jwtVerify(token, utf8(key.apiSecret), {
        algorithms: ["HS256"],
        issuer: key.apiKey,
        requiredClaims: ["exp", "nbf", "sha256"],
        currentDate: new Date(input.now),
        clockTolerance: input.clockToleranceSeconds ?? LIVEKIT_CLOCK_TOLERANCE_SECONDS,
      });
      claims = verified.payload;
      break;
    } catch (err) {
      // Only a correctly signed token gets as far as the time checks.
      const code = (err as { code?: string; claim?: string }).code;
      const claim = (err as { claim?: string }).claim;
      if (code === "ERR_JWT_EXPIRED" || (code === "ERR_JWT_CLAIM_VALIDATION_FAILED" && claim === "nbf")) stale = true;
    }
  }
  if (!claims) return refuse(stale ? "stale" : "bad-signature", 401);

  const body = bodyBytes(input.rawBody);
  const claimed = typeof claims.sha256 === "string" ? claims.sha256 : "";
  if (!timingSafeEqual(utf8(claimed), utf8(toBase64(await sha256(body))))) return refuse("bad-signature", 401);

  const json = parseJsonBody(body);
  if (!json.ok) return refuse("malformed-body", 400);
  const event = json.value as { id?: unknown; createdAt?: unknown } | null;
  const id = typeof event === "object" && event !== null ? event.id : undefined;
  if (typeof id !== "string" || id.length === 0 || id.length > 256) return refuse("malformed-body", 400);
  const createdAt = Number(event?.createdAt);
  return {
    ok: true,
    deliveryId: id,
    payload: json.value,
    ...(Number.isSafeInteger(createdAt) && createdAt > 0 ? { timestamp: createdAt * 1000 } : {}),
  };
}
