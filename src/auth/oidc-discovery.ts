import { OidcDiscovery } from "../../schemas/staff-auth.ts";
import type { OutboundFetch } from "./remote-keys.ts";

/** A provider's endpoints change rarely: an hour in the isolate, then asked again. */
const CACHE_MS = 3600_000;
const TIMEOUT_MS = 5_000;

export type DiscoveryResult =
  | { ok: true; provider: OidcDiscovery }
  | { ok: false; reason: "unreachable" | "malformed" | "issuer-mismatch" | "no-s256" };

const cache = new WeakMap<OutboundFetch, Map<string, { provider: OidcDiscovery; until: number }>>();

/** `{issuer}/.well-known/openid-configuration`, a trailing slash of the issuer dropped (Discovery §4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
}

/**
 * The provider's discovery document. Its `issuer` must equal `AUTH_ISSUER` exactly (Discovery
 * §4.3: otherwise another provider's document could redirect logins); a provider that lists code
 * challenge methods must list `S256`. Good answers are cached, failures are not.
 */
export async function discover(issuer: string, fetchFn: OutboundFetch, nowMs: number): Promise<DiscoveryResult> {
  let byIssuer = cache.get(fetchFn);
  if (!byIssuer) {
    byIssuer = new Map();
    cache.set(fetchFn, byIssuer);
  }
  const hit = byIssuer.get(issuer);
  if (hit && hit.until > nowMs) return { ok: true, provider: hit.provider };

  let body: unknown;
  try {
    const res = await fetchFn(discoveryUrl(issuer), {
      headers: { accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (res.status !== 200) {
      await res.body?.cancel();
      return { ok: false, reason: "unreachable" };
    }
    body = await res.json();
  } catch {
    return { ok: false, reason: "unreachable" };
  }
  const parsed = OidcDiscovery.safeParse(body);
  if (!parsed.success) return { ok: false, reason: "malformed" };
  if (parsed.data.issuer !== issuer) return { ok: false, reason: "issuer-mismatch" };
  const methods = parsed.data.code_challenge_methods_supported;
  if (methods && !methods.includes("S256")) return { ok: false, reason: "no-s256" };
  byIssuer.set(issuer, { provider: parsed.data, until: nowMs + CACHE_MS });
  return { ok: true, provider: parsed.data };
}
