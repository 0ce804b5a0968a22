import { importPKCS8, SignJWT } from "jose";
import { JoinGrant, type JoinRole } from "../../../schemas/join-token.ts";
import type { MintRequest } from "../mint-request.ts";

// The JaaS JWT as 8x8 documents it ("The Jitsi JSON Web Token (JWT)",
// https://developer.8x8.com/jaas/docs/api-keys-jwt) and as the JaaS web client checks it
// (jitsi-meet `react/features/base/jwt/functions.ts` `validateJwt`): RS256 with `kid`, aud "jitsi",
// iss "chat", sub the AppID, the kid's tenant equal to sub, `context.features` present, exp and nbf.

/** A JaaS tenant's signing setup: the AppID, the API key's `kid` and its private key. */
export interface JaasConfig {
  /** The tenant, `vpaas-magic-cookie-<32 hex>`; the JaaS console calls it the AppID. */
  appId: string;
  /** The API key's id as the console lists it: `<appId>/<key id>`. */
  kid: string;
  /** The private half of the key uploaded to the console, from {@link importJaasKey}. */
  privateKey: CryptoKey;
}

/** The feature switches JaaS reads from `context.features`, spelled as its client accepts them ("true"/"false"). */
export type JaasFeatures = Record<(typeof JAAS_FEATURES)[number], "true" | "false">;

/**
 * Every feature this product sets, always all of them. The seven documented keys stay "false" for
 * everyone, moderators included: a clinical group is never recorded, streamed, transcribed by 8x8 or
 * joined by phone or SIP (a dialled-in caller would bypass the room's cap and roster). `file-upload`
 * is documented too: files shared in a call would land with 8x8, outside the clinic's records.
 * `screen-sharing` is not on 8x8's list but is one of the jitsi-meet client's `MEET_FEATURES`, which
 * hides the share button when it is "false"; absent, the client shows it.
 */
const JAAS_FEATURES = [
  "livestreaming",
  "recording",
  "transcription",
  "sip-inbound-call",
  "sip-outbound-call",
  "inbound-call",
  "outbound-call",
  "file-upload",
  "screen-sharing",
] as const;

const APP_ID = /^vpaas-magic-cookie-[0-9a-f]{32}$/;
const KEY_ID = /^[0-9A-Za-z_-]{1,64}$/;

/**
 * Moderator and features per role. Facilitators moderate (mute, remove, lobby). Clients and family
 * share their screen as they can publish it in LiveKit; observers cannot. JaaS has no hidden or
 * receive-only participant, so an observer is still listed by its call name and can unmute itself:
 * the token can only withhold moderation and screen sharing, and facilitators can mute or remove.
 */
export function jaasUserGrant(role: JoinRole): { moderator: "true" | "false"; features: JaasFeatures } {
  const off = Object.fromEntries(JAAS_FEATURES.map((f) => [f, "false"])) as JaasFeatures;
  switch (role) {
    case "facilitator":
      return { moderator: "true", features: { ...off, "screen-sharing": "true" } };
    case "client":
    case "family":
      return { moderator: "false", features: { ...off, "screen-sharing": "true" } };
    case "observer":
      return { moderator: "false", features: off };
    default:
      return assertNever(role);
  }
}

/** Import the API key's private half (PKCS#8 PEM, as the JaaS console's key pair is exported) for RS256. */
export function importJaasKey(pem: string): Promise<CryptoKey> {
  return importPKCS8(pem, "RS256");
}

/** The room name the JaaS IFrame API joins: the tenant, a slash and the room the token names. */
export function jaasRoomName(config: Pick<JaasConfig, "appId">, room: string): string {
  return `${config.appId}/${room}`;
}

/**
 * Mint the JaaS token for one participant in one room. `context.user` carries the opaque participant
 * id and the call name only (an alias unless the program shows names: call-name.ts); `avatar` and
 * `email` are never set, because JaaS shows them to everyone in the call and keeps them in 8x8's logs.
 * JaaS accepts the token from `nbf` to `exp` at join; it cannot revoke it earlier, and it documents no
 * disconnection at `exp` for someone already in the call: removal is a moderator's act in the call.
 */
export function mintJaasToken(config: JaasConfig, req: MintRequest): Promise<string> {
  assertConfig(config);
  const grant = JoinGrant.parse(req.grant);
  if (!req.callName.trim()) throw new RangeError("mintJaasToken: a call name is required");
  const { moderator, features } = jaasUserGrant(grant.role);
  return new SignJWT({
    room: grant.room,
    context: { user: { id: grant.sub, name: req.callName, moderator }, features },
  })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: config.kid })
    .setAudience("jitsi")
    .setIssuer("chat")
    .setSubject(config.appId)
    .setIssuedAt(Math.floor(req.now))
    .setNotBefore(grant.nbf)
    .setExpirationTime(grant.exp)
    .setJti(grant.jti)
    .sign(config.privateKey);
}

/** Misconfiguration fails at the first mint, not as a refused join: the client rejects a kid whose tenant is not sub. */
function assertConfig(config: JaasConfig): void {
  if (!APP_ID.test(config.appId)) {
    throw new RangeError("mintJaasToken: appId must be the JaaS AppID, vpaas-magic-cookie-<32 hex>");
  }
  const [tenant, keyId, ...rest] = config.kid.split("/");
  if (tenant !== config.appId || !keyId || !KEY_ID.test(keyId) || rest.length > 0) {
    throw new RangeError("mintJaasToken: kid must be <appId>/<key id> as the JaaS console lists it");
  }
  const { type, algorithm } = config.privateKey;
  const hash = "hash" in algorithm ? algorithm.hash?.name : undefined;
  if (type !== "private" || algorithm.name !== "RSASSA-PKCS1-v1_5" || hash !== "SHA-256") {
    throw new RangeError("mintJaasToken: privateKey must be an RS256 private key (importJaasKey)");
  }
}

function assertNever(x: never): never {
  throw new TypeError(`unknown role ${String(x)}`);
}
