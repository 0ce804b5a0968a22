import { type CryptoKey, createLocalJWKSet, importJWK, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from "jose";
import { z } from "zod";

/** The product's signing keys, parsed once per isolate. */
export interface KeyRing {
  /** `kid` of the key that signs; the first of the set. */
  kid: string;
  privateKey: CryptoKey;
  /** Public halves of every key, as served at `/.well-known/jwks.json`. */
  publicJwks: JSONWebKeySet;
  /** Resolves any listed key by `kid`, so tokens signed before a rotation still verify. */
  verifyKey: JWTVerifyGetKey;
}

const Ed25519PrivateJwk = z.looseObject({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  x: z.string().min(1),
  d: z.string().min(1),
  kid: z.string().min(1).max(64),
});
const SigningKeySet = z.object({ keys: z.array(Ed25519PrivateJwk).min(1) });

/** Raised when `SIGNING_KEYS` is missing or malformed: a deployment error, never a client's. */
export class SigningKeysError extends Error {
  override name = "SigningKeysError";
}

const cache = new Map<string, Promise<KeyRing>>();

/** Parse `SIGNING_KEYS` (a JWK set of Ed25519 private keys). Memoised by value, so rotation takes effect on deploy. */
export function loadKeyRing(signingKeys: string | undefined): Promise<KeyRing> {
  if (!signingKeys) return Promise.reject(new SigningKeysError("SIGNING_KEYS is not set"));
  let ring = cache.get(signingKeys);
  if (!ring) {
    ring = buildKeyRing(signingKeys);
    cache.set(signingKeys, ring);
    ring.catch(() => cache.delete(signingKeys));
  }
  return ring;
}

async function buildKeyRing(signingKeys: string): Promise<KeyRing> {
  let parsed: z.infer<typeof SigningKeySet>;
  try {
    parsed = SigningKeySet.parse(JSON.parse(signingKeys));
  } catch {
    throw new SigningKeysError("SIGNING_KEYS is not a JWK set of Ed25519 private keys with kids");
  }
  const kids = new Set(parsed.keys.map((k) => k.kid));
  if (kids.size !== parsed.keys.length) throw new SigningKeysError("SIGNING_KEYS has duplicate kids");
  const publicJwks: JSONWebKeySet = {
    keys: parsed.keys.map(({ kty, crv, x, kid }) => ({ kty, crv, x, kid, alg: "EdDSA", use: "sig" }) as JWK),
  };
  const first = parsed.keys[0] as JWK & { kid: string };
  const privateKey = (await importJWK({ ...first, alg: "EdDSA" }, "EdDSA")) as CryptoKey;
  return { kid: first.kid, privateKey, publicJwks, verifyKey: createLocalJWKSet(publicJwks) };
}
