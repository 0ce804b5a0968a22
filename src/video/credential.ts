import type { WorkerConfig } from "../../schemas/config.ts";
import type { JoinGrant } from "../../schemas/join-token.ts";
import type { VideoProvider } from "../../schemas/program.ts";
import { isoInstant } from "../lib/clock.ts";
import { callName } from "../tokens/call-name.ts";
import { mintJoinToken } from "../tokens/join-token.ts";
import type { KeyRing } from "../tokens/keys.ts";
import { mintDailyToken } from "./daily/token.ts";
import { importJaasKey, jaasRoomName, mintJaasToken } from "./jitsi/token.ts";
import { type LiveKitCredentials, mintLiveKitToken } from "./livekit/token.ts";
import type { MintRequest } from "./mint-request.ts";
import { mintZoomToken } from "./zoom/token.ts";

export type { VideoProvider };

/** What minting needs, built once per request by the caller; `now` in seconds since the epoch. */
export interface ProviderDeps {
  ring: KeyRing;
  /** Present only when `LIVEKIT_API_KEY` and `LIVEKIT_API_SECRET` are configured. */
  livekit?: LiveKitCredentials;
  /** The other platforms' credentials, each present only when fully configured (schemas/config.ts). */
  jaas?: WorkerConfig["jaas"];
  daily?: WorkerConfig["daily"];
  zoom?: WorkerConfig["zoom"];
  /** RealtimeKit has no offline signing: the room's enrolment hands over the participant's token. */
  realtimekit?: (req: MintRequest) => Promise<string | null>;
  /** Issuer and audience of the native token (`TOKEN_ISSUER`, `JOIN_AUDIENCE`). */
  issuer: string;
  audience: string;
  now: number;
  /** The program's join link, e.g. `https://meet.example/rooms/{room}#token={token}`. */
  joinUrlTemplate?: string;
}

export type ProviderTokenResult =
  | { ok: true; token: string; provider: VideoProvider; expiresAt: string; joinUrl?: string; callName?: string }
  | { ok: false; reason: "provider-not-configured" | "provider-unavailable" };

/** Whether this deployment can mint for `provider` (checked before a seat is taken). */
export function providerConfigured(provider: VideoProvider, deps: Omit<ProviderDeps, "now">): boolean {
  switch (provider) {
    case "native":
      return true;
    case "livekit":
      return Boolean(deps.livekit?.apiKey && deps.livekit.apiSecret);
    case "jitsi":
      return Boolean(deps.jaas);
    case "daily":
      return Boolean(deps.daily);
    case "zoom":
      return Boolean(deps.zoom);
    case "realtimekit":
      return Boolean(deps.realtimekit);
    default:
      return assertNever(provider);
  }
}

const jaasKeys = new Map<string, Promise<CryptoKey>>();
/** The JaaS key, imported once per isolate (an RSA import costs more than the signature). */
function jaasKey(pem: string): Promise<CryptoKey> {
  let key = jaasKeys.get(pem);
  if (!key) {
    key = importJaasKey(pem);
    jaasKeys.set(pem, key);
  }
  return key;
}

/**
 * Mint the credential the program's video platform accepts for one grant the room decided;
 * `displayName` is the name a platform that shows names may show (never in the native token). A
 * program set to a platform this deployment has no credentials for is refused, never downgraded to
 * the native token (the platform would reject it anyway). Where the platform has its own page (JaaS,
 * Daily), `joinUrl` points there unless the program set a template of its own.
 */
export async function issueProviderToken(
  provider: VideoProvider,
  deps: ProviderDeps,
  grant: JoinGrant,
  displayName: string | null = null,
): Promise<ProviderTokenResult> {
  if (!providerConfigured(provider, deps)) return { ok: false, reason: "provider-not-configured" };
  const req: MintRequest = { grant, callName: callName(grant.role, grant.sub, displayName), now: deps.now };
  let token: string;
  let platformUrl: string | undefined;
  let name: string | undefined;
  switch (provider) {
    case "native":
      token = await mintJoinToken(deps.ring, grant, { issuer: deps.issuer, audience: deps.audience, now: deps.now });
      break;
    case "livekit": {
      const creds = deps.livekit as LiveKitCredentials;
      const { sub: identity, room, role, nbf, exp, jti } = grant;
      token = await mintLiveKitToken(creds, { identity, room, role, nbf, exp, jti, now: deps.now, name: req.callName });
      break;
    }
    case "jitsi": {
      const jaas = deps.jaas as NonNullable<ProviderDeps["jaas"]>;
      token = await mintJaasToken(
        { appId: jaas.appId, kid: jaas.kid, privateKey: await jaasKey(jaas.privateKeyPem) },
        req,
      );
      platformUrl = `https://8x8.vc/${jaasRoomName(jaas, grant.room)}?jwt=${encodeURIComponent(token)}`;
      break;
    }
    case "daily": {
      const daily = deps.daily as NonNullable<ProviderDeps["daily"]>;
      token = await mintDailyToken({ apiKey: daily.apiKey, domainId: daily.domainId }, req);
      platformUrl = `https://${daily.domain}.daily.co/${grant.room}?t=${encodeURIComponent(token)}`;
      break;
    }
    case "zoom": {
      token = await mintZoomToken(deps.zoom as NonNullable<ProviderDeps["zoom"]>, req);
      // The Video SDK takes the shown name at join (join(topic, token, userName)), not in the token.
      name = req.callName;
      break;
    }
    case "realtimekit": {
      const minted = await (deps.realtimekit as NonNullable<ProviderDeps["realtimekit"]>)(req);
      if (!minted) return { ok: false, reason: "provider-unavailable" };
      token = minted;
      break;
    }
    default:
      return assertNever(provider);
  }
  const expiresAt = isoInstant(grant.exp * 1000);
  const joinUrl =
    deps.joinUrlTemplate !== undefined ? buildJoinUrl(deps.joinUrlTemplate, grant.room, token) : platformUrl;
  return { ok: true, token, provider, expiresAt, ...(joinUrl ? { joinUrl } : {}), ...(name ? { callName: name } : {}) };
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
