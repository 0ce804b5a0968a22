import { createRemoteJWKSet, decodeJwt, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import { type Principal, RolesClaim } from "../../schemas/auth.ts";
import { SubjectId } from "../../schemas/common.ts";
import type { Clock } from "../lib/clock.ts";
import { API_TOKEN_TYP } from "../tokens/api-token.ts";
import type { KeyRing } from "../tokens/keys.ts";

/** Who the product trusts, read from the Worker's configuration. */
export interface TrustConfig {
  localIssuer: string;
  localAudience: string;
  external?: { issuer: string; audience: string; jwksUrl: string };
  /** The longest lifetime (`exp − iat`, seconds) a token may claim; MAX_TOKEN_LIFETIME, 12 h by default. */
  maxLifetime?: number;
}

export type VerifyResult = { ok: true; principal: Principal } | { ok: false; reason: string };

/** Tokens longer than this are refused before any parsing (header-stuffing defence). */
export const MAX_TOKEN_CHARS = 4096;
/** Allowed skew between our clock and an issuer's. */
const CLOCK_TOLERANCE_S = 30;
/** Local API tokens older than this are refused whatever their `exp`. */
const MAX_TOKEN_AGE_S = 24 * 3600;
/**
 * The default longest lifetime (`exp − iat`) a bearer token may claim, local or external: a stolen
 * token with `exp` a year away must not work for a year. 12 hours covers a clinic day;
 * `MAX_TOKEN_LIFETIME` (seconds, 300 to 86400) changes it.
 */
export const MAX_TOKEN_LIFETIME_S = 12 * 3600;

/** Asymmetric algorithms accepted from the external provider; never `none` nor HMAC. */
const EXTERNAL_ALGS = ["RS256", "PS256", "ES256", "EdDSA"];

function tooLong(payload: { exp?: number; iat?: number }, trust: TrustConfig): boolean {
  return (payload.exp ?? 0) - (payload.iat ?? 0) > (trust.maxLifetime ?? MAX_TOKEN_LIFETIME_S);
}

const remoteSets = new Map<string, JWTVerifyGetKey>();
function remoteJwks(url: string): JWTVerifyGetKey {
  let set = remoteSets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    remoteSets.set(url, set);
  }
  return set;
}

/**
 * Verify a bearer token against the issuer it names, with that issuer's keys, algorithms and
 * audience pinned. The reason is for the log only: every failure is the same 401 on the wire.
 */
export async function verifyBearer(
  token: string,
  trust: TrustConfig,
  ring: () => Promise<KeyRing>,
  clock: Clock,
): Promise<VerifyResult> {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return { ok: false, reason: "length" };
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const currentDate = new Date(clock.now());
  try {
    if (unverified.iss === trust.localIssuer) {
      const keys = await ring();
      // The issuer, audience and lifetime cap it was checked against are part of what was verified.
      const cacheKey = `${trust.localIssuer}\n${trust.localAudience}\n${trust.maxLifetime ?? ""}\n${token}`;
      const known = recall(keys, cacheKey, currentDate.getTime());
      if (known) return { ok: true, principal: known };
      const { payload } = await jwtVerify(token, keys.verifyKey, {
        algorithms: ["EdDSA"],
        issuer: trust.localIssuer,
        audience: trust.localAudience,
        typ: API_TOKEN_TYP,
        requiredClaims: ["exp", "iat", "sub", "jti"],
        clockTolerance: CLOCK_TOLERANCE_S,
        maxTokenAge: MAX_TOKEN_AGE_S,
        currentDate,
      });
      if (tooLong(payload, trust)) return { ok: false, reason: "lifetime-too-long" };
      const result = toPrincipal(payload, "local");
      if (result.ok) remember(keys, cacheKey, payload, result.principal);
      return result;
    }
    if (trust.external && unverified.iss === trust.external.issuer) {
      const { payload } = await jwtVerify(token, remoteJwks(trust.external.jwksUrl), {
        algorithms: EXTERNAL_ALGS,
        issuer: trust.external.issuer,
        audience: trust.external.audience,
        requiredClaims: ["exp", "iat", "sub"],
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate,
      });
      if (tooLong(payload, trust)) return { ok: false, reason: "lifetime-too-long" };
      return toPrincipal(payload, "external");
    }
    return { ok: false, reason: "unknown-issuer" };
  } catch (err) {
    if (err instanceof errors.JOSEError) return { ok: false, reason: err.code };
    throw err;
  }
}

/**
 * Local tokens already verified, per key ring (a rotated ring starts empty), with the span in
 * which jose would accept them again. A client re-joining or a console polling presents the same
 * token many times; checking its EdDSA signature once is enough. Bounded, oldest dropped first.
 */
const verified = new WeakMap<KeyRing, Map<string, { principal: Principal; from: number; until: number }>>();
const VERIFIED_MAX = 4096;

function recall(keys: KeyRing, key: string, nowMs: number): Principal | null {
  const hit = verified.get(keys)?.get(key);
  return hit && nowMs >= hit.from && nowMs < hit.until ? hit.principal : null;
}

function remember(keys: KeyRing, key: string, payload: JWTPayload, principal: Principal): void {
  const tolMs = CLOCK_TOLERANCE_S * 1000;
  const exp = (payload.exp ?? 0) * 1000 + tolMs;
  const maxAge = ((payload.iat ?? 0) + MAX_TOKEN_AGE_S) * 1000 + tolMs;
  const from = Math.max((payload.nbf ?? 0) * 1000, (payload.iat ?? 0) * 1000) - tolMs;
  let cache = verified.get(keys);
  if (!cache) {
    cache = new Map();
    verified.set(keys, cache);
  }
  if (cache.size >= VERIFIED_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, { principal, from, until: Math.min(exp, maxAge) });
}

function toPrincipal(payload: JWTPayload, issuer: Principal["issuer"]): VerifyResult {
  const sub = SubjectId.safeParse(payload.sub);
  if (!sub.success) return { ok: false, reason: "bad-sub" };
  const roles = RolesClaim.safeParse(payload.roles);
  if (!roles.success || roles.data.length === 0) return { ok: false, reason: "no-roles" };
  const program = payload.program;
  if (program !== undefined && (typeof program !== "string" || program.length > 64)) {
    return { ok: false, reason: "bad-program" };
  }
  return { ok: true, principal: { sub: sub.data, roles: roles.data, program, issuer } };
}
