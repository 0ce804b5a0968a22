import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from "jose";

/**
 * How the sign-in reaches an identity provider: the global `fetch` in production; tests pass a
 * stand-in that speaks the protocol (test/stand-ins/oidc-protocol.mjs).
 */
export type OutboundFetch = (url: string, init: RequestInit) => Promise<Response>;

/** The global `fetch`, one function for the isolate, so the caches below keep their entries. */
export const globalFetch: OutboundFetch = (url, init) => fetch(url, init);

/** A provider's keys are fetched at most this often when a token names an unknown `kid` (rotation). */
const COOLDOWN_MS = 30_000;
const TIMEOUT_MS = 5_000;

const sets = new WeakMap<OutboundFetch, Map<string, JWTVerifyGetKey>>();

/**
 * The key set at `url`, fetched through `fetchFn` and cached per isolate (jose keeps it 10 minutes
 * and refetches on an unknown `kid`, at most every 30 s, so a flood of made-up key ids cannot
 * become a flood of requests to the provider).
 */
export function remoteKeys(url: string, fetchFn: OutboundFetch): JWTVerifyGetKey {
  let byUrl = sets.get(fetchFn);
  if (!byUrl) {
    byUrl = new Map();
    sets.set(fetchFn, byUrl);
  }
  let set = byUrl.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), {
      timeoutDuration: TIMEOUT_MS,
      cooldownDuration: COOLDOWN_MS,
      [customFetch]: fetchFn,
    });
    byUrl.set(url, set);
  }
  return set;
}

/** Asymmetric signature algorithms accepted from identity providers: never `none` nor an HMAC. */
export const ASYMMETRIC_ALGS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];
