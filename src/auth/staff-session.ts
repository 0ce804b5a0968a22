import { base64url } from "jose";
import { mintApiToken } from "../tokens/api-token.ts";
import type { KeyRing } from "../tokens/keys.ts";
import { csrfKey } from "./derived-keys.ts";
import type { StaffGrant } from "./staff-claims.ts";
import type { TrustConfig } from "./verify-bearer.ts";

/**
 * A console session lasts two hours (a track runs three, the live channel stays open, and signing
 * in again through the clinic's provider is one click): short enough that a cookie left on a shared
 * clinic computer dies soon, and never beyond `MAX_TOKEN_LIFETIME`.
 */
export const SESSION_SECONDS = 2 * 3600;

/** The session's token and when it ends; the cookie lives exactly as long. */
export interface MintedSession {
  token: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  maxAge: number;
}

/**
 * The session cookie holds one of the product's own bearer tokens (EdDSA, `at+jwt`, scoped to the
 * program), so every route verifies it the way it verifies a pasted token: one verifier, no
 * session table. Only the grant's opaque id, staff roles and program go into it.
 */
export async function mintStaffSession(
  ring: KeyRing,
  trust: TrustConfig,
  grant: StaffGrant,
  nowS: number,
): Promise<MintedSession> {
  const maxAge = Math.min(SESSION_SECONDS, trust.maxLifetime ?? SESSION_SECONDS);
  const token = await mintApiToken(ring, {
    sub: grant.staffId,
    roles: [...grant.roles],
    program: grant.programId,
    issuer: trust.localIssuer,
    audience: trust.localAudience,
    now: nowS,
    ttlSeconds: maxAge,
  });
  return { token, expiresAt: nowS + maxAge, maxAge };
}

/**
 * The CSRF token of a session: HMAC-SHA-256 of the session's token under a key derived from
 * `ROOM_SECRET`. The console reads it from `GET /auth/session` (same-origin only: a cross-site page
 * can neither read that answer nor the HttpOnly cookie) and echoes it as `X-CSRF-Token`.
 */
export async function csrfToken(sessionToken: string, secret: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await csrfKey(secret), new TextEncoder().encode(sessionToken));
  return base64url.encode(new Uint8Array(mac));
}

/** Whether `presented` is the session's CSRF token, compared in constant time (`crypto.subtle.verify`). */
export async function csrfMatches(sessionToken: string, presented: string | undefined, secret: string) {
  if (!presented || presented.length > 64) return false;
  let mac: Uint8Array;
  try {
    mac = base64url.decode(presented);
  } catch {
    return false;
  }
  const data = new TextEncoder().encode(sessionToken);
  return crypto.subtle.verify("HMAC", await csrfKey(secret), mac, data);
}
