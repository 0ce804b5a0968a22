import { SignJWT } from "jose";
import type { Role } from "../../schemas/common.ts";
import type { KeyRing } from "./keys.ts";

/** `typ` of the product's bearer tokens (RFC 9068), distinct from join tokens. */
export const API_TOKEN_TYP = "at+jwt";

export interface ApiTokenRequest {
  sub: string;
  roles: Role[];
  program?: string;
  issuer: string;
  audience: string;
  /** Seconds since the epoch. */
  now: number;
  ttlSeconds?: number;
}

/** Mint a bearer token signed with the product's current key (for local use, seeding and tests). */
export function mintApiToken(ring: KeyRing, req: ApiTokenRequest): Promise<string> {
  const claims: Record<string, unknown> = { roles: req.roles };
  if (req.program) claims.program = req.program;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "EdDSA", kid: ring.kid, typ: API_TOKEN_TYP })
    .setIssuer(req.issuer)
    .setAudience(req.audience)
    .setSubject(req.sub)
    .setIssuedAt(req.now)
    .setExpirationTime(req.now + (req.ttlSeconds ?? 8 * 3600))
    .setJti(crypto.randomUUID())
    .sign(ring.privateKey);
}
