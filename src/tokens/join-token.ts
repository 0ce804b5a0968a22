import { base64url, errors, jwtVerify, SignJWT } from "jose";
import { JoinClaims, JoinGrant } from "../../schemas/join-token.ts";
import type { KeyRing } from "./keys.ts";

/** `typ` of the native join token; distinct from the bearer `at+jwt` so neither passes for the other. */
export const JOIN_TOKEN_TYP = "iop-join+jwt";
/** Tokens longer than this are refused before any parsing (header-stuffing defence). */
export const MAX_JOIN_TOKEN_CHARS = 4096;

/** Where a join token is valid: our issuer, the media gateway's audience, and the clock's now (seconds). */
export interface JoinTokenContext {
  issuer: string;
  audience: string;
  /** Seconds since the epoch. */
  now: number;
}

/** Why a join token was refused; for the log only, the wire answer is always the same. */
export type JoinTokenFailure =
  | "length"
  | "malformed"
  | "algorithm"
  | "unknown-key"
  | "signature"
  | "expired"
  | "not-yet-valid"
  | "claims"
  | "unexpected";

export type JoinTokenResult = { ok: true; claims: JoinClaims } | { ok: false; reason: JoinTokenFailure };

/**
 * Sign a native join token with the ring's current key. The grant is validated first: a caller
 * passing a name or an e-mail as `sub`, or a readable room name, is a bug and throws here.
 */
export function mintJoinToken(ring: KeyRing, claims: JoinGrant, opts: JoinTokenContext): Promise<string> {
  const grant = JoinGrant.parse(claims);
  const iat = Math.floor(opts.now);
  return new SignJWT({ sid: grant.sid, room: grant.room, role: grant.role })
    .setProtectedHeader({ alg: "EdDSA", kid: ring.kid, typ: JOIN_TOKEN_TYP })
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setSubject(grant.sub)
    .setIssuedAt(iat)
    .setNotBefore(grant.nbf)
    .setExpirationTime(grant.exp)
    .setJti(grant.jti)
    .sign(ring.privateKey);
}

/**
 * Verify a native join token: EdDSA only, our issuer and audience, `typ: iop-join+jwt`, the
 * required claims present, time from the caller. Never throws; revocation is the room's check.
 */
export async function verifyJoinToken(token: string, ring: KeyRing, opts: JoinTokenContext): Promise<JoinTokenResult> {
  if (typeof token !== "string" || token.length === 0 || token.length > MAX_JOIN_TOKEN_CHARS) {
    return { ok: false, reason: "length" };
  }
  if (!isCanonicalCompact(token)) return { ok: false, reason: "malformed" };
  try {
    const { payload } = await jwtVerify(token, ring.verifyKey, {
      algorithms: ["EdDSA"],
      issuer: opts.issuer,
      audience: opts.audience,
      typ: JOIN_TOKEN_TYP,
      requiredClaims: ["exp", "iat", "nbf", "jti", "sub", "sid"],
      // No tolerance: `nbf` is already back-dated at minting, and `exp` ≤ end + grace must hold exactly.
      clockTolerance: 0,
      currentDate: new Date(opts.now * 1000),
    });
    const claims = JoinClaims.safeParse(payload);
    return claims.success ? { ok: true, claims: claims.data } : { ok: false, reason: "claims" };
  } catch (err) {
    return { ok: false, reason: failureOf(err) };
  }
}

function failureOf(err: unknown): JoinTokenFailure {
  if (!(err instanceof errors.JOSEError)) return "unexpected";
  switch (err.code) {
    case errors.JWTExpired.code:
      return "expired";
    case errors.JWTClaimValidationFailed.code: {
      // A missing `nbf` is a malformed token, not an early one.
      const { claim, reason } = err as errors.JWTClaimValidationFailed;
      return claim === "nbf" && reason === "check_failed" ? "not-yet-valid" : "claims";
    }
    case errors.JOSEAlgNotAllowed.code:
      return "algorithm";
    case errors.JWKSNoMatchingKey.code:
    case errors.JWKSMultipleMatchingKeys.code:
      return "unknown-key";
    case errors.JWSSignatureVerificationFailed.code:
      return "signature";
    default:
      return "malformed";
  }
}

/**
 * Three base64url segments, each in its one canonical spelling. Base64 lets the last character
 * carry unused bits (RFC 4648 §3.5), so without this two different strings would be the same
 * valid token; refusing them keeps "the token" a single string for logs, hashes and audits.
 */
function isCanonicalCompact(token: string): boolean {
  const parts = token.split(".");
  if (parts.length !== 3) return false;
  for (const part of parts) {
    if (!/^[A-Za-z0-9_-]+$/.test(part)) return false;
    try {
      if (base64url.encode(base64url.decode(part)) !== part) return false;
    } catch {
      return false;
    }
  }
  return true;
}
