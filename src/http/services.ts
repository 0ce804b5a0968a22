import type { WorkerConfig } from "../../schemas/config.ts";
import type { OutboundFetch } from "../auth/remote-keys.ts";
import type { TrustConfig } from "../auth/verify-bearer.ts";
import { DirectoryClient } from "../directory/client.ts";
import type { Clock } from "../lib/clock.ts";
import { ProgramService } from "../programs/service.ts";
import { RoomGateway } from "../rooms/room-gateway.ts";
import { type KeyRing, loadKeyRing } from "../tokens/keys.ts";

/** Everything a handler may use, built once per request; handlers never touch bindings directly. */
export interface Services {
  clock: Clock;
  /** The Worker's vars and secrets, parsed once (schemas/config.ts). */
  config: WorkerConfig;
  trust: TrustConfig;
  keyRing(): Promise<KeyRing>;
  programs: ProgramService;
  directory: DirectoryClient;
  rooms: Env["ROOMS"];
  /** The one door to a room: a join is one call to the room; other actions ask the directory first. */
  gateway: RoomGateway;
  /** Issuer and audience of native join tokens. */
  joinToken: { issuer: string; audience: string };
  /** One-time console sign-in codes: local development only (`DEV_SIGN_IN=on` in `.dev.vars`). */
  devSignIn: boolean;
  /** How staff sign-in reaches the clinic's identity provider and Cloudflare Access's keys. */
  outbound: OutboundFetch;
}

/** Wire the services for one request from the Worker's environment. */
export function buildServices(env: Env, config: WorkerConfig, clock: Clock, outbound: OutboundFetch): Services {
  const { tokens, livekit, jaas, daily, zoom } = config;
  const keyRing = () => loadKeyRing(config.signingKeys);
  const directory = new DirectoryClient(env.PROGRAMS);
  return {
    clock,
    config,
    trust: {
      localIssuer: tokens.issuer,
      localAudience: tokens.audience,
      external: config.externalIssuer,
      maxLifetime: config.maxTokenLifetime,
    },
    keyRing,
    programs: new ProgramService(env.PROGRAMS, env.ATTENDANCE, clock),
    directory,
    rooms: env.ROOMS,
    joinToken: { issuer: tokens.issuer, audience: tokens.joinAudience },
    devSignIn: config.devSignIn,
    outbound,
    gateway: new RoomGateway({
      directory,
      rooms: env.ROOMS,
      clock,
      roomSecret: config.roomSecret,
      ...(config.realtimekit ? { realtimekit: config.realtimekit, accounts: env.VIDEO_ACCOUNTS } : {}),
      provider: async () => ({
        ring: await keyRing(),
        livekit,
        jaas,
        daily,
        zoom,
        issuer: tokens.issuer,
        audience: tokens.joinAudience,
      }),
    }),
  };
}
