import { errors, type JWTPayload, jwtVerify } from "jose";
import { type LoginState, type OidcDiscovery, OidcTokenResponse } from "../../schemas/staff-auth.ts";
import { ASYMMETRIC_ALGS, type OutboundFetch, remoteKeys } from "./remote-keys.ts";

/** The console as a client of the clinic's OpenID provider (`AUTH_ISSUER`, `AUTH_CLIENT_ID`, `AUTH_CLIENT_SECRET`). */
export interface OidcClient {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
}

const TIMEOUT_MS = 10_000;
const CLOCK_TOLERANCE_S = 30;
/** An id_token is minted at the exchange, seconds before it is checked: an older one is a replay. */
const MAX_ID_TOKEN_AGE_S = 10 * 60;

/** The authorization request (OpenID Connect Core §3.1.2.1, RFC 7636 §4.3): code flow, S256 only. */
export function authorizationUrl(
  provider: OidcDiscovery,
  client: OidcClient,
  redirectUri: string,
  login: LoginState,
  challenge: string,
): string {
  const url = new URL(provider.authorization_endpoint);
  const params = {
    response_type: "code",
    client_id: client.clientId,
    redirect_uri: redirectUri,
    scope: "openid",
    state: login.state,
    nonce: login.nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/** `application/x-www-form-urlencoded` of one value, as client_secret_basic wants it (RFC 6749 §2.3.1). */
const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

export type ExchangeResult =
  | { ok: true; idToken: string }
  | { ok: false; reason: "unreachable" | "refused" | "malformed"; status?: number; error?: string };

/**
 * Trade the code at the token endpoint (RFC 6749 §4.1.3) with the PKCE verifier; a configured
 * secret goes in `Authorization: Basic`. Only the provider's `error` code is kept (for the log);
 * its description and any token never leave this function except the id_token on success.
 */
export async function exchangeCode(
  provider: OidcDiscovery,
  client: OidcClient,
  grant: { code: string; redirectUri: string; verifier: string },
  fetchFn: OutboundFetch,
): Promise<ExchangeResult> {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  if (client.clientSecret) {
    headers.authorization = `Basic ${btoa(`${formEncode(client.clientId)}:${formEncode(client.clientSecret)}`)}`;
  }
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code: grant.code,
    redirect_uri: grant.redirectUri,
    client_id: client.clientId,
    code_verifier: grant.verifier,
  });
  let res: Response;
  try {
    res = await fetchFn(provider.token_endpoint, {
      method: "POST",
      headers,
      body: body.toString(),
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return { ok: false, reason: "unreachable" };
  }
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    return { ok: false, reason: res.ok ? "malformed" : "refused", status: res.status };
  }
  if (!res.ok) {
    const code = (json as { error?: unknown } | null)?.error;
    const error = typeof code === "string" && /^[a-z_]{1,40}$/.test(code) ? code : undefined;
    return { ok: false, reason: "refused", status: res.status, ...(error ? { error } : {}) };
  }
  const parsed = OidcTokenResponse.safeParse(json);
  if (!parsed.success || parsed.data.token_type.toLowerCase() !== "bearer") {
    return { ok: false, reason: "malformed", status: res.status };
  }
  return { ok: true, idToken: parsed.data.id_token };
}

export type IdTokenResult = { ok: true; claims: JWTPayload } | { ok: false; reason: string };

/**
 * Validate the id_token (OpenID Connect Core §3.1.3.7): signed by a key of the provider's JWKS with
 * an asymmetric algorithm, `iss` exactly the issuer, `aud` holding the client id (and `azp` the
 * client when there are several audiences), `exp`/`iat` against the injected clock, and the nonce
 * of this login. The reason is a jose error code, for the log only.
 */
export async function verifyIdToken(
  idToken: string,
  provider: OidcDiscovery,
  client: OidcClient,
  nonce: string,
  fetchFn: OutboundFetch,
  nowMs: number,
): Promise<IdTokenResult> {
  try {
    const { payload } = await jwtVerify(idToken, remoteKeys(provider.jwks_uri, fetchFn), {
      algorithms: ASYMMETRIC_ALGS,
      issuer: client.issuer,
      audience: client.clientId,
      requiredClaims: ["sub", "exp", "iat", "nonce"],
      clockTolerance: CLOCK_TOLERANCE_S,
      maxTokenAge: MAX_ID_TOKEN_AGE_S,
      currentDate: new Date(nowMs),
    });
    if (payload.nonce !== nonce) return { ok: false, reason: "nonce-mismatch" };
    const several = Array.isArray(payload.aud) && payload.aud.length > 1;
    if ((several || payload.azp !== undefined) && payload.azp !== client.clientId) {
      return { ok: false, reason: "azp-mismatch" };
    }
    return { ok: true, claims: payload };
  } catch (err) {
    if (err instanceof errors.JOSEError) return { ok: false, reason: err.code };
    // A token that is not a JWT at all (jose throws TypeError on some malformed input).
    if (err instanceof TypeError) return { ok: false, reason: "malformed" };
    throw err;
  }
}
