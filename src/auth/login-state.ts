import { base64url, EncryptJWT, errors, jwtDecrypt } from "jose";
import { LoginState } from "../../schemas/staff-auth.ts";
import { derivedBytes } from "./derived-keys.ts";

/** A login has this long between the redirect to the provider and its callback. */
export const LOGIN_SECONDS = 10 * 60;
const TYP = "iop-login+jwt";

/** 32 random bytes, base64url: 256 bits for `state`, `nonce` and the PKCE verifier (RFC 7636 §4.1: 43 characters). */
function random256(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
}

/** Fresh `state`, `nonce` and PKCE code verifier for one login. */
export function newLoginState(returnTo: string): LoginState {
  return { state: random256(), nonce: random256(), verifier: random256(), returnTo };
}

/** The PKCE `S256` challenge: BASE64URL(SHA-256(ASCII(verifier))) (RFC 7636 §4.2). */
export async function s256Challenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url.encode(new Uint8Array(digest));
}

/**
 * The login state as the cookie holds it: a JWE (`dir`, A256GCM) under a key derived from
 * `ROOM_SECRET`, so the browser carries the verifier and nonce without being able to read or change
 * them, and it expires with the login.
 */
export async function sealLoginState(state: LoginState, secret: string, nowS: number): Promise<string> {
  return new EncryptJWT({ ...state })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", typ: TYP })
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + LOGIN_SECONDS)
    .encrypt(await derivedBytes(secret, "login-state"));
}

/** The login state in a cookie, or why there is none usable: absent, expired, or not ours. */
export async function openLoginState(
  sealed: string | undefined,
  secret: string,
  nowMs: number,
): Promise<{ ok: true; state: LoginState } | { ok: false; reason: "missing" | "expired" | "invalid" }> {
  if (!sealed) return { ok: false, reason: "missing" };
  if (sealed.length > 2048) return { ok: false, reason: "invalid" };
  try {
    const { payload } = await jwtDecrypt(sealed, await derivedBytes(secret, "login-state"), {
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
      typ: TYP,
      requiredClaims: ["exp", "iat"],
      currentDate: new Date(nowMs),
    });
    const { exp: _exp, iat: _iat, ...rest } = payload;
    const state = LoginState.safeParse(rest);
    return state.success ? { ok: true, state: state.data } : { ok: false, reason: "invalid" };
  } catch (err) {
    if (err instanceof errors.JOSEError)
      return { ok: false, reason: err.code === "ERR_JWT_EXPIRED" ? "expired" : "invalid" };
    // A cookie value that is not a JWE at all.
    if (err instanceof TypeError) return { ok: false, reason: "invalid" };
    throw err;
  }
}
