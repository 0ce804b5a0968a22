import { SignJWT } from "jose";
import { JoinGrant, type JoinRole } from "../../../schemas/join-token.ts";
import type { MintRequest } from "../mint-request.ts";

// The Video SDK JWT as Zoom documents it ("Authorize", https://developers.zoom.us/docs/video-sdk/auth/)
// and as its own sample validates it (github.com/zoom/videosdk-auth-endpoint-sample `src/index.js`):
// HS256 with the SDK secret; app_key, tpc (≤ 200), role_type, version 1, iat, exp with
// 1800 s ≤ exp − iat ≤ 48 h; optional user_identity (≤ 35), session_key, geo_regions, recording options.

/** Zoom's data-centre codes accepted in `geo_regions`, as its auth sample lists them. */
export const ZOOM_GEO_REGIONS = ["AU", "BR", "CA", "CN", "DE", "HK", "IN", "JP", "MX", "NL", "SG", "US"] as const;
export type ZoomGeoRegion = (typeof ZOOM_GEO_REGIONS)[number];

/** A Video SDK app's credentials, and optionally the regions its media may be routed through. */
export interface ZoomConfig {
  sdkKey: string;
  sdkSecret: string;
  /** Data residency: omitted, Zoom picks the regions. */
  geoRegions?: readonly ZoomGeoRegion[];
}

/** The claims this product puts in a Video SDK token, exactly these. */
export interface ZoomClaims {
  app_key: string;
  tpc: string;
  role_type: 0 | 1;
  version: 1;
  iat: number;
  exp: number;
  user_identity: string;
  geo_regions?: string;
}

// Zoom's floor is 1800 s; a minute more because one Zoom SDK was seen refusing exactly 1800
// (mieszko4/react-native-zoom-us#254). The ceiling keeps the same minute below 48 h.
const MIN_LIFETIME = 1800 + 60;
const MAX_LIFETIME = 48 * 3600 - 60;
/** Zoom's auth sample refuses a `userIdentity` longer than 35 characters. */
const MAX_USER_IDENTITY = 35;

/** Host for facilitators (the first to join hosts, later ones co-host); participant for everyone else. */
export function zoomRoleType(role: JoinRole): 0 | 1 {
  return role === "facilitator" ? 1 : 0;
}

/**
 * `iat` and `exp` within Zoom's bounds while the token still dies when the grant does. A grant with
 * less than the floor left keeps its `exp` and dates `iat` back instead: lengthening `exp` would let
 * Zoom admit someone after the session, and Zoom cannot ask the room whether a token was revoked.
 * A grant longer than the ceiling is cut to it (a shorter token is always safe).
 */
export function zoomWindow(now: number, grantExp: number): { iat: number; exp: number } {
  const exp = Math.min(grantExp, now + MAX_LIFETIME);
  return { iat: Math.min(now, exp - MIN_LIFETIME), exp };
}

/**
 * The `user_identity` Zoom shows in its dashboard, APIs and webhooks: the opaque participant id when
 * it fits, else `u_` and 128 bits of its SHA-256, so the same person keeps the same value.
 */
export async function zoomUserIdentity(sub: string): Promise<string> {
  if (sub.length <= MAX_USER_IDENTITY) return sub;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(sub)));
  return `u_${Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * The name a Video SDK client passes to `join(topic, token, userName)`. Zoom takes the display name
 * at join, not from the token, so the token carries no name: the join answer hands this out instead.
 */
export function zoomUserName(req: MintRequest): string {
  return req.callName;
}

/**
 * Mint the Video SDK token for one participant in one session (`tpc` is the opaque room). Left out on
 * purpose: `session_key` (if the host sets one, everyone must carry the same, ≤ 36 characters, which
 * occurrence ids do not always fit; the room already binds the topic), the cloud-recording options
 * (they choose how a recording is laid out, not whether one may be made: recording stays off in the
 * Video SDK account), and `telemetry_tracking_id`. Zoom reads no `nbf`, so a token minted before the
 * window opens would admit at once: minting before `nbf` is refused. Zoom cannot revoke a token before
 * `exp`, and `exp` is checked at join only; removing someone from a live session is the host's act.
 */
export async function mintZoomToken(config: ZoomConfig, req: MintRequest): Promise<string> {
  if (!config.sdkKey || !config.sdkSecret) throw new RangeError("mintZoomToken: SDK key and secret are required");
  if (config.geoRegions?.length === 0 || config.geoRegions?.some((r) => !ZOOM_GEO_REGIONS.includes(r))) {
    throw new RangeError(`mintZoomToken: geoRegions must be some of ${ZOOM_GEO_REGIONS.join(", ")}`);
  }
  const grant = JoinGrant.parse(req.grant);
  const now = Math.floor(req.now);
  if (now < grant.nbf) throw new RangeError("mintZoomToken: Zoom reads no nbf, so the token is minted from nbf on");
  if (now >= grant.exp) throw new RangeError("mintZoomToken: the grant has expired");
  const { iat, exp } = zoomWindow(now, grant.exp);
  const claims: ZoomClaims = {
    app_key: config.sdkKey,
    // An opaque room (`r_` and lower-case base32, ≤ 66 characters) is within the 200 Zoom allows, and
    // already lower case, the form Zoom folds topics to.
    tpc: grant.room,
    role_type: zoomRoleType(grant.role),
    version: 1,
    iat,
    exp,
    user_identity: await zoomUserIdentity(grant.sub),
    ...(config.geoRegions ? { geo_regions: config.geoRegions.join(",") } : {}),
  };
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(config.sdkSecret));
}
