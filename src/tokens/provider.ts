import type { JoinGrant } from "../../schemas/join-token.ts";
import { isoInstant } from "../lib/clock.ts";
import { callName } from "./call-name.ts";
import { mintJoinToken } from "./join-token.ts";
import type { KeyRing } from "./keys.ts";
import { type LiveKitCredentials, mintLiveKitToken } from "./livekit.ts";

/** Video providers a program can choose (`settings.videoProvider`). */
export type VideoProvider = "native" | "livekit";

/** What minting needs, built once per request by the caller; `now` in seconds since the epoch. */
export interface ProviderDeps {
  ring: KeyRing;
  /** Present only when `LIVEKIT_API_KEY` and `LIVEKIT_API_SECRET` are configured. */
  livekit?: LiveKitCredentials;
  /** Issuer and audience of the native token (`TOKEN_ISSUER`, `JOIN_AUDIENCE`). */
  issuer: string;
  audience: string;
  now: number;
  /** The program's join link, e.g. `https://meet.example/rooms/{room}#token={token}`. */
  joinUrlTemplate?: string;
}

export type ProviderTokenResult =
  | { ok: true; token: string; provider: VideoProvider; expiresAt: string; joinUrl?: string }
  | { ok: false; reason: "provider-not-configured" };

/**
 * Mint the credential the program's video provider accepts for one grant the room decided;
 * `displayName` is the name a platform that shows names may show (never in the native token).
 * A program set to LiveKit on a deployment without LiveKit keys is refused, never downgraded
 * to the native token (a gateway expecting LiveKit would reject it anyway).
 */
export async function issueProviderToken(
  provider: VideoProvider,
  deps: ProviderDeps,
  grant: JoinGrant,
  displayName: string | null = null,
): Promise<ProviderTokenResult> {
  let token: string;
  switch (provider) {
    case "native":
      token = await mintJoinToken(deps.ring, grant, { issuer: deps.issuer, audience: deps.audience, now: deps.now });
      break;
    case "livekit": {
      const creds = deps.livekit;
      if (!creds?.apiKey || !creds.apiSecret) return { ok: false, reason: "provider-not-configured" };
      token = await mintLiveKitToken(creds, {
        identity: grant.sub,
        room: grant.room,
        role: grant.role,
        nbf: grant.nbf,
        exp: grant.exp,
        jti: grant.jti,
        now: deps.now,
        name: callName(grant.role, grant.sub, displayName),
      });
      break;
    }
    default:
      return assertNever(provider);
  }
  const expiresAt = isoInstant(grant.exp * 1000);
  if (deps.joinUrlTemplate === undefined) return { ok: true, token, provider, expiresAt };
  return { ok: true, token, provider, expiresAt, joinUrl: buildJoinUrl(deps.joinUrlTemplate, grant.room, token) };
}

/**
 * Fill a join link template. Only `{room}` and `{token}` are replaced, both URL-encoded, in one
 * pass, so a substituted value can never introduce another placeholder or break out of its part.
 */
export function buildJoinUrl(template: string, room: string, token: string): string {
  return template.replace(/\{(room|token)\}/g, (_, name: string) => encodeURIComponent(name === "room" ? room : token));
}

function assertNever(x: never): never {
  throw new TypeError(`unknown video provider ${String(x)}`);
}
