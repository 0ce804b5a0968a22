import { SignJWT } from "jose";
import { JoinGrant, type JoinRole } from "../../../schemas/join-token.ts";
import type { MintRequest } from "../mint-request.ts";

// Daily's self-signed meeting token, as docs.daily.co documents it:
// - "Self-signing tokens" (reference/rest-api/meeting-tokens/self-signing-tokens): an HS256 JWT with the
//   domain's API key as the secret; the payload must hold `r` (room), `iat` (now) and `d` (domain_id), and
//   every other property goes by the abbreviation table there (nbf, exp, ud, u, o, ejt, vo, ao, p…).
// - "Create meeting token" / "Configuration" (reference/rest-api/meeting-tokens/create-meeting-token) for
//   what each property means. Neither lists `jti` or `sub`: Daily reads no token id, so a token cannot be
//   revoked by id; the product removes people with the eject call (api.ts) and `ejt` below.

/** A Daily domain's signing setup: the API key (the HS256 secret) and the domain's id (`d`). */
export interface DailyTokenConfig {
  /** The domain's REST API key (dashboard → Developers); it also signs meeting tokens. */
  apiKey: string;
  /** `domain_id` from `GET /` (domain configuration), a UUID; self-signed tokens must carry it as `d`. */
  domainId: string;
}

/** Daily's documented limit for `user_id`: "The user_id has a limit of 36 characters." */
export const DAILY_USER_ID_MAX = 36;

/** The abbreviated `permissions` object (`p`): `hp` hasPresence, `cs` canSend (`false` = none). */
export interface DailyTokenPermissions {
  hp: boolean;
  cs: boolean;
}

/** The per-role part of the payload: owner for facilitators, the permissions and start-off flags for observers. */
export interface DailyRoleClaims {
  /** `is_owner`: owner privileges (mute, eject, change others' permissions). Absent means false (Daily's default). */
  o?: true;
  /** `permissions`, "the initial default permissions for a non-meeting-owner participant". */
  p?: DailyTokenPermissions;
  /** `start_video_off`, `start_audio_off`: the camera and microphone are not turned on at join. */
  vo?: true;
  ao?: true;
}

/**
 * Claims per role. Facilitators are owners (`o`), which is how Daily lets them mute and eject; owners
 * ignore `p`. Observers are supervisors who watch silently: `hp: false` keeps them out of everyone's
 * participant list, `cs: false` lets them send no media at all (camera, microphone, screen), and `vo`/`ao`
 * keep their devices off. Clients and family take the room's and domain's permissions, which by Daily's
 * defaults let them be present and send.
 */
export function dailyRoleClaims(role: JoinRole): DailyRoleClaims {
  switch (role) {
    case "facilitator":
      return { o: true };
    case "observer":
      return { p: { hp: false, cs: false }, vo: true, ao: true };
    case "client":
    case "family":
      return {};
    default:
      return assertNever(role);
  }
}

/**
 * Mint the meeting token one participant joins one private room with. `ud` is the opaque participant id
 * (the id presence and eject read back); `u` is the call name, which Daily shows to everyone and keeps in
 * its meeting logs, so it is an alias unless the program shows names (call-name.ts). `nbf`/`exp` are the
 * schedule's window ("users cannot join … before / after"), and `ejt` (`eject_at_token_exp`) removes the
 * participant from the call when `exp` passes, so a window cannot be outstayed.
 */
export function mintDailyToken(config: DailyTokenConfig, req: MintRequest): Promise<string> {
  if (!config.apiKey) throw new RangeError("mintDailyToken: the API key is required");
  if (!config.domainId) throw new RangeError("mintDailyToken: the domain id is required for self-signed tokens");
  const grant = JoinGrant.parse(req.grant);
  // Longer would be refused or cut by Daily; a cut id could name someone else.
  if (grant.sub.length > DAILY_USER_ID_MAX) {
    throw new RangeError(`mintDailyToken: Daily user ids are at most ${DAILY_USER_ID_MAX} characters`);
  }
  if (!req.callName.trim()) throw new RangeError("mintDailyToken: a call name is required");
  return new SignJWT({
    r: grant.room,
    d: config.domainId,
    ud: grant.sub,
    u: req.callName,
    ejt: true,
    ...dailyRoleClaims(grant.role),
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(Math.floor(req.now))
    .setNotBefore(grant.nbf)
    .setExpirationTime(grant.exp)
    .sign(new TextEncoder().encode(config.apiKey));
}

function assertNever(x: never): never {
  throw new TypeError(`unknown role ${String(x)}`);
}
