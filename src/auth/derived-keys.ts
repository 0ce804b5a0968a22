/**
 * Keys the staff sign-in derives from `ROOM_SECRET` with HKDF-SHA-256, one per purpose (the `info`
 * label), so no new secret has to be provisioned and no derived key can stand in for another or for
 * the room-name HMAC. Rotating `ROOM_SECRET` ends pending logins (10 min) and console sessions (2 h)
 * along with renaming rooms; SECURITY.md says so.
 */
export type KeyPurpose = "login-state" | "csrf";

const SALT = new TextEncoder().encode("iop-orchestrator staff sign-in");
const cache = new Map<string, Promise<Uint8Array>>();

/** 32 bytes for `purpose`, derived once per secret. */
export function derivedBytes(secret: string, purpose: KeyPurpose): Promise<Uint8Array> {
  const id = `${purpose}\n${secret}`;
  let bytes = cache.get(id);
  if (!bytes) {
    bytes = derive(secret, purpose);
    cache.set(id, bytes);
    bytes.catch(() => cache.delete(id));
  }
  return bytes;
}

async function derive(secret: string, purpose: KeyPurpose): Promise<Uint8Array> {
  const ikm = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveBits"]);
  const info = new TextEncoder().encode(purpose);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: SALT, info }, ikm, 256));
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

/** The HMAC-SHA-256 key that binds a CSRF token to a session, imported once per secret. */
export function csrfKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = derivedBytes(secret, "csrf").then((raw) =>
      crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]),
    );
    hmacKeys.set(secret, key);
    key.catch(() => hmacKeys.delete(secret));
  }
  return key;
}
