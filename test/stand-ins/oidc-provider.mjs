// A small OpenID provider for tests: discovery (OpenID Connect Discovery 1.0 §3–4), the
// authorization endpoint of the code flow (OpenID Connect Core 1.0 §3.1.2, with PKCE: RFC 7636),
// the token endpoint (RFC 6749 §4.1.3, §5) and the JWKS (RFC 7517), answering web `Request`s with
// web `Response`s so the same provider serves the workerd tests (as the app's outbound fetch) and
// the browser tests (behind test/stand-ins/oidc-server.mjs). It signs in whichever account the
// test chose (`signInAs`), as a real provider signs in whoever typed their password. Plain JS with
// jose only: it runs in workerd and in Node.
import { base64url, exportJWK, generateKeyPair, SignJWT } from "jose";

const CODE_SECONDS = 60;

/**
 * @param {{ issuer: string, clientId: string, clientSecret?: string, redirectUris: string[], now?: () => number }} opts
 */
export async function oidcProvider(opts) {
  const issuer = opts.issuer.replace(/\/$/, "");
  const now = opts.now ?? (() => Date.now());
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = `k-${base64url.encode(crypto.getRandomValues(new Uint8Array(6)))}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  /** @type {Map<string, { clientId: string, redirectUri: string, challenge: string, nonce: string | undefined, claims: Record<string, unknown>, expires: number }>} */
  const codes = new Map();
  /** @type {Record<string, unknown> | "deny"} */
  let account = { sub: "stf_default", roles: ["facilitator"] };
  const seen = { authorize: [], token: [] };

  const json = (status, body, headers = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
    });
  const back = (redirectUri, params) => {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    return new Response(null, { status: 302, headers: { location: url.toString() } });
  };
  const s256 = async (verifier) =>
    base64url.encode(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));

  function discovery() {
    return json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ["code"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      code_challenge_methods_supported: ["S256"],
      grant_types_supported: ["authorization_code"],
      token_endpoint_auth_methods_supported: opts.clientSecret ? ["client_secret_basic"] : ["none"],
      scopes_supported: ["openid"],
    });
  }

  function authorize(url) {
    const q = Object.fromEntries(url.searchParams);
    seen.authorize.push(q);
    // §3.1.2.6: an unknown client or redirect URI is never redirected to.
    if (q.client_id !== opts.clientId || !opts.redirectUris.includes(q.redirect_uri)) {
      return new Response("unknown client or redirect_uri", { status: 400 });
    }
    const fail = (error) => back(q.redirect_uri, { error, state: q.state });
    if (q.response_type !== "code") return fail("unsupported_response_type");
    if (!(q.scope ?? "").split(" ").includes("openid")) return fail("invalid_scope");
    if (q.code_challenge_method !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge ?? "")) {
      return fail("invalid_request");
    }
    if (account === "deny") return fail("access_denied");
    const code = base64url.encode(crypto.getRandomValues(new Uint8Array(24)));
    codes.set(code, {
      clientId: q.client_id,
      redirectUri: q.redirect_uri,
      challenge: q.code_challenge,
      nonce: q.nonce,
      claims: account,
      expires: now() + CODE_SECONDS * 1000,
    });
    return back(q.redirect_uri, { code, state: q.state, iss: issuer });
  }

  async function token(request) {
    const form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
    seen.token.push(Object.fromEntries(form));
    if (form.get("grant_type") !== "authorization_code") return json(400, { error: "unsupported_grant_type" });
    if (opts.clientSecret) {
      const basic = `Basic ${btoa(`${encodeURIComponent(opts.clientId)}:${encodeURIComponent(opts.clientSecret)}`)}`;
      if (request.headers.get("authorization") !== basic) return json(401, { error: "invalid_client" });
    } else if (form.get("client_id") !== opts.clientId) {
      return json(401, { error: "invalid_client" });
    }
    const code = form.get("code") ?? "";
    const grant = codes.get(code);
    // A code works once (RFC 6749 §4.1.2), for the client and redirect URI it was issued to.
    codes.delete(code);
    if (!grant || grant.expires < now() || grant.redirectUri !== form.get("redirect_uri")) {
      return json(400, { error: "invalid_grant" });
    }
    if ((await s256(form.get("code_verifier") ?? "")) !== grant.challenge) return json(400, { error: "invalid_grant" });
    const iat = Math.floor(now() / 1000);
    const idToken = await new SignJWT({ ...grant.claims, ...(grant.nonce ? { nonce: grant.nonce } : {}) })
      .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
      .setIssuer(issuer)
      .setAudience(grant.clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 300)
      .sign(privateKey);
    return json(200, {
      access_token: base64url.encode(crypto.getRandomValues(new Uint8Array(24))),
      token_type: "Bearer",
      expires_in: 300,
      id_token: idToken,
    });
  }

  return {
    issuer,
    seen,
    /** The account the next authorization signs in (its id_token claims), or "deny" for a refusal. */
    signInAs(claims) {
      account = claims;
    },
    /** Sign any claims with the provider's key (for forged-claim tests: right key, wrong content). */
    sign: (claims) => new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid }).sign(privateKey),
    /** @param {Request} request */
    async handle(request) {
      const url = new URL(request.url);
      const path = url.pathname.slice(new URL(issuer).pathname.replace(/\/$/, "").length);
      if (request.method === "GET" && path === "/.well-known/openid-configuration") return discovery();
      if (request.method === "GET" && path === "/authorize") return authorize(url);
      if (request.method === "POST" && path === "/token") return token(request);
      if (request.method === "GET" && path === "/jwks") return json(200, { keys: [jwk] });
      return new Response("not found", { status: 404 });
    },
  };
}
