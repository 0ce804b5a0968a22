import type { TrustConfig } from "../auth/verify-bearer.ts";
import type { Clock } from "../lib/clock.ts";
import { ProgramService } from "../programs/service.ts";
import { type KeyRing, loadKeyRing } from "../tokens/keys.ts";

/** Everything a handler may use, built once per request; handlers never touch bindings directly. */
export interface Services {
  clock: Clock;
  trust: TrustConfig;
  keyRing(): Promise<KeyRing>;
  programs: ProgramService;
}

/** Wire the services for one request from the Worker's environment. */
export function buildServices(env: Env, clock: Clock): Services {
  const external =
    env.AUTH_ISSUER && env.AUTH_AUDIENCE && env.AUTH_JWKS_URL
      ? { issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, jwksUrl: env.AUTH_JWKS_URL }
      : undefined;
  return {
    clock,
    trust: { localIssuer: env.TOKEN_ISSUER, localAudience: env.TOKEN_AUDIENCE, external },
    keyRing: () => loadKeyRing(env.SIGNING_KEYS),
    programs: new ProgramService(env.PROGRAMS, clock),
  };
}
