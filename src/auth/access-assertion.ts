import { errors, type JWTPayload, jwtVerify } from "jose";
import { type OutboundFetch, remoteKeys } from "./remote-keys.ts";

/** The Cloudflare Access application in front of the console (`ACCESS_TEAM_DOMAIN`, `ACCESS_AUD`). */
export interface AccessApp {
  /** `https://<team>.cloudflareaccess.com`: the tokens' `iss`, and where the keys are. */
  teamDomain: string;
  /** The Access application's AUD tag. */
  audience: string;
}

const CLOCK_TOLERANCE_S = 30;
/** Header Access adds to every request it lets through (the `CF_Authorization` cookie may be absent). */
export const ACCESS_HEADER = "cf-access-jwt-assertion";

export type AssertionResult = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Verify an Access application token: RS256 by a key of `{team}/cdn-cgi/access/certs` (Access
 * rotates them; jose refetches on an unknown `kid`), `iss` the team domain, `aud` holding the AUD
 * tag, `exp`/`iat` against the injected clock, and a person behind it (a service token's `sub` is
 * empty). The claims handed back are those of the identity provider that Access passes on under
 * `custom` (the OIDC claims or SAML attributes configured on the login method), with `sub`: the
 * roles and program come from there, never from Access's own top-level fields.
 */
export async function verifyAccessAssertion(
  assertion: string | undefined,
  app: AccessApp,
  fetchFn: OutboundFetch,
  nowMs: number,
): Promise<AssertionResult> {
  if (!assertion) return { ok: false, reason: "missing" };
  if (assertion.length > 8192) return { ok: false, reason: "length" };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, remoteKeys(`${app.teamDomain}/cdn-cgi/access/certs`, fetchFn), {
      algorithms: ["RS256"],
      issuer: app.teamDomain,
      audience: app.audience,
      requiredClaims: ["sub", "exp", "iat"],
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: new Date(nowMs),
    }));
  } catch (err) {
    if (err instanceof errors.JOSEError) return { ok: false, reason: err.code };
    if (err instanceof TypeError) return { ok: false, reason: "malformed" };
    throw err;
  }
  if (typeof payload.sub !== "string" || payload.sub === "") return { ok: false, reason: "service-token" };
  if (payload.type !== undefined && payload.type !== "app") return { ok: false, reason: "not-app-token" };
  const custom = payload.custom;
  const idp = custom && typeof custom === "object" && !Array.isArray(custom) ? (custom as Record<string, unknown>) : {};
  return { ok: true, claims: { ...idp, sub: payload.sub } };
}
