/**
 * When a join token may be used, and what room it names. Pure: time is an argument, in whole
 * seconds since the Unix epoch (JWT NumericDate), so the room and the tests can move the clock.
 */

/** The one join-token lifetime: long enough to connect, short enough that a leak expires fast (the session end + grace bounds it too). */
export const JOIN_TTL_SECONDS = 600;

/**
 * Back-dating of `nbf`: a media server whose clock runs a few seconds behind ours would
 * otherwise refuse a token minted "now". Never moves `nbf` before the join window opens.
 */
export const NBF_SKEW_SECONDS = 5;

export interface ValidityInput {
  /** Seconds since the epoch. */
  now: number;
  /** Scheduled start and end of the occurrence, seconds since the epoch. */
  startsAt: number;
  endsAt: number;
  /** The room is joinable from `startsAt − joinWindowMinutes`. */
  joinWindowMinutes: number;
  /** The room stays usable until `endsAt + graceMinutes`. */
  graceMinutes: number;
  /** Upper bound on the token's lifetime from `now`. */
  ttlSeconds?: number;
}

export type Validity = { ok: true; nbf: number; exp: number } | { ok: false; reason: "too-early" | "ended" };

/**
 * The `nbf`/`exp` of a join token minted at `now`, or why none may be minted.
 * `nbf` = max(now − skew, start − window), so it never precedes the window (DESIGN §5);
 * `exp` = min(now + ttl, end + grace), so it never outlives the occurrence nor the TTL.
 * Late-join policy is the room's decision, not this function's: here only the hard bounds apply.
 */
export function tokenValidity(input: ValidityInput): Validity {
  const ttl = input.ttlSeconds ?? JOIN_TTL_SECONDS;
  for (const [name, v] of Object.entries({ ...input, ttlSeconds: ttl })) {
    if (!Number.isFinite(v)) throw new RangeError(`tokenValidity: ${name} must be a finite number`);
  }
  if (ttl < 1) throw new RangeError("tokenValidity: ttlSeconds must be at least 1");
  if (input.joinWindowMinutes < 0 || input.graceMinutes < 0) {
    throw new RangeError("tokenValidity: window and grace must not be negative");
  }
  // Whole seconds throughout: NumericDate may carry fractions, but verifiers differ on them.
  const now = Math.floor(input.now);
  const opensAt = Math.floor(input.startsAt) - Math.round(input.joinWindowMinutes * 60);
  const closesAt = Math.floor(input.endsAt) + Math.round(input.graceMinutes * 60);

  if (now < opensAt) return { ok: false, reason: "too-early" };
  // `exp` is exclusive (RFC 7519 §4.1.4), so at exactly end + grace nothing is left to grant.
  if (now >= closesAt) return { ok: false, reason: "ended" };

  const nbf = Math.max(now - NBF_SKEW_SECONDS, opensAt);
  const exp = Math.min(now + Math.floor(ttl), closesAt);
  // now ≥ opensAt and now < closesAt, hence nbf ≤ now < exp: the token works at once.
  return { ok: true, nbf, exp };
}

const ROOM_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case
const ROOM_CHARS = 26; // 130 bits of the MAC
/** Domain separation, so this MAC can never be confused with another use of the same secret. */
const ROOM_CONTEXT = "iop-orchestrator/room-name/v1:";

/**
 * The opaque room name of an occurrence: `r_` + base32 of HMAC-SHA256(secret, sessionId).
 * Derived rather than random so every Worker, the room and the video webhooks agree on it without
 * storing a mapping; keyed so a room name seen by a video platform cannot be tied back to the
 * session id (and so to the product's API) by anyone without the secret. It carries no program
 * or track name. Without a secret it is still opaque but linkable by whoever knows the session id.
 */
export async function roomName(sessionId: string, secret?: string | Uint8Array): Promise<string> {
  if (sessionId.length === 0) throw new RangeError("roomName: sessionId must not be empty");
  // A pure function of (secret, session): every join of a session asks again, so remember it.
  const cacheKey = typeof secret === "string" ? `${secret}\n${sessionId}` : null;
  const known = cacheKey === null ? undefined : nameCache.get(cacheKey);
  if (known !== undefined) return known;
  const name = await deriveRoomName(sessionId, secret);
  if (cacheKey !== null) {
    if (nameCache.size >= NAME_CACHE_SIZE) nameCache.delete(nameCache.keys().next().value as string);
    nameCache.set(cacheKey, name);
  }
  return name;
}

/** Room names already derived, oldest first; bounded so a long-lived isolate stays small. */
const nameCache = new Map<string, string>();
const NAME_CACHE_SIZE = 2048;

async function deriveRoomName(sessionId: string, secret?: string | Uint8Array): Promise<string> {
  const enc = new TextEncoder();
  const keyBytes = typeof secret === "string" ? enc.encode(secret) : (secret ?? enc.encode(ROOM_CONTEXT));
  // WebCrypto refuses an empty HMAC key; an empty secret is a configuration error, so fail loudly.
  if (keyBytes.byteLength === 0) throw new RangeError("roomName: secret must not be empty");
  const key = await hmacKey(keyBytes, typeof secret === "string" ? secret : null);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(ROOM_CONTEXT + sessionId)));
  let out = "r_";
  // Five independent bits per character from the first bytes of the MAC.
  for (const b of mac.subarray(0, ROOM_CHARS)) out += ROOM_ALPHABET[b & 31];
  return out;
}

const keyCache = new Map<string, Promise<CryptoKey>>();

/** The imported HMAC key, cached per string secret: the join path names a room on every call. */
function hmacKey(bytes: Uint8Array, cacheAs: string | null): Promise<CryptoKey> {
  const load = () => crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  if (cacheAs === null) return load();
  let key = keyCache.get(cacheAs);
  if (!key) {
    key = load();
    keyCache.set(cacheAs, key);
  }
  return key;
}
