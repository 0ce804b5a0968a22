import { SignJWT } from "jose";
import { type JoinRole, MediaGrant } from "../../../schemas/join-token.ts";

/** A LiveKit project's API key pair (`LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET`). */
export interface LiveKitCredentials {
  apiKey: string;
  apiSecret: string;
}

/** What the room decided: who (`identity`, an opaque participant id), where, as what, and when. */
export interface LiveKitJoin {
  identity: string;
  room: string;
  role: JoinRole;
  /** Seconds since the epoch. */
  nbf: number;
  exp: number;
  jti: string;
  now: number;
  /** What other participants see: the display name where the program shows names, else an alias (call-name.ts). */
  name: string;
}

/**
 * LiveKit's `video` grant, spelled as its server reads it. Absent flags take LiveKit's defaults;
 * `canUpdateOwnMetadata` stays absent (false) so nobody can put a name into the room themselves.
 */
export interface LiveKitVideoGrant {
  room: string;
  roomJoin: true;
  canPublish: boolean;
  canSubscribe: true;
  canPublishData: boolean;
  roomAdmin?: true;
  hidden?: true;
}

/**
 * Grants per role. Facilitators moderate (mute, remove) through `roomAdmin`; observers are
 * supervisors who watch silently, so they neither publish media or data nor appear in the roster.
 */
export function liveKitVideoGrant(room: string, role: JoinRole): LiveKitVideoGrant {
  switch (role) {
    case "facilitator":
      return { room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true, roomAdmin: true };
    case "observer":
      return { room, roomJoin: true, canPublish: false, canSubscribe: true, canPublishData: false, hidden: true };
    case "client":
    case "family":
      return { room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true };
    default:
      return assertNever(role);
  }
}

/**
 * Mint the HS256 access token a LiveKit server accepts: `iss` is the API key, `sub` the identity,
 * `name` what the call shows. LiveKit shows `name` to every participant and keeps it in its logs,
 * so it is a person's display name only where the program says so, and an alias otherwise; no
 * `metadata` or `attributes` claim ever carries personal data to the video platform.
 */
export function mintLiveKitToken(creds: LiveKitCredentials, join: LiveKitJoin): Promise<string> {
  if (!creds.apiKey || !creds.apiSecret) throw new RangeError("mintLiveKitToken: API key and secret are required");
  // Same checks as the native token: opaque identity and room, a sane window.
  const grant = MediaGrant.parse({
    sub: join.identity,
    room: join.room,
    role: join.role,
    nbf: join.nbf,
    exp: join.exp,
    jti: join.jti,
  });
  return new SignJWT({ name: join.name, video: liveKitVideoGrant(grant.room, grant.role) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(creds.apiKey)
    .setSubject(grant.sub)
    .setIssuedAt(Math.floor(join.now))
    .setNotBefore(grant.nbf)
    .setExpirationTime(grant.exp)
    .setJti(grant.jti)
    .sign(new TextEncoder().encode(creds.apiSecret));
}

function assertNever(x: never): never {
  throw new TypeError(`unknown role ${String(x)}`);
}
