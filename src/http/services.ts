import type { TrustConfig } from "../auth/verify-bearer.ts";
import { DirectoryClient } from "../directory/client.ts";
import type { Clock } from "../lib/clock.ts";
import { ProgramService } from "../programs/service.ts";
import type { JoinDeps } from "../rooms/join-service.ts";
import { type KeyRing, loadKeyRing } from "../tokens/keys.ts";

/** Everything a handler may use, built once per request; handlers never touch bindings directly. */
export interface Services {
  clock: Clock;
  trust: TrustConfig;
  keyRing(): Promise<KeyRing>;
  programs: ProgramService;
  directory: DirectoryClient;
  rooms: Env["ROOMS"];
  join: JoinDeps;
  /** Issuer and audience of native join tokens. */
  joinToken: { issuer: string; audience: string };
  /** One-time console sign-in codes: local development only (`DEV_SIGN_IN=on` in `.dev.vars`). */
  devSignIn: boolean;
}

const configured = (v: string | undefined) => (v && v !== "unused" ? v : undefined);

/** Wire the services for one request from the Worker's environment. */
export function buildServices(env: Env, clock: Clock): Services {
  const external =
    env.AUTH_ISSUER && env.AUTH_AUDIENCE && env.AUTH_JWKS_URL
      ? { issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, jwksUrl: env.AUTH_JWKS_URL }
      : undefined;
  const keyRing = () => loadKeyRing(env.SIGNING_KEYS);
  const apiKey = configured(env.LIVEKIT_API_KEY);
  const apiSecret = configured(env.LIVEKIT_API_SECRET);
  const livekit = apiKey && apiSecret ? { apiKey, apiSecret } : undefined;
  return {
    clock,
    trust: { localIssuer: env.TOKEN_ISSUER, localAudience: env.TOKEN_AUDIENCE, external },
    keyRing,
    programs: new ProgramService(env.PROGRAMS, env.ATTENDANCE, clock),
    directory: new DirectoryClient(env.PROGRAMS),
    rooms: env.ROOMS,
    joinToken: { issuer: env.TOKEN_ISSUER, audience: env.JOIN_AUDIENCE },
    devSignIn: env.DEV_SIGN_IN === "on",
    join: {
      rooms: env.ROOMS,
      clock,
      roomSecret: env.ROOM_SECRET,
      provider: async () => ({ ring: await keyRing(), livekit, issuer: env.TOKEN_ISSUER, audience: env.JOIN_AUDIENCE }),
    },
  };
}
