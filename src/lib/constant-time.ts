import { hmacSha256, sha256, utf8 } from "./bytes.ts";

/**
 * Compare two byte arrays in time that depends only on their lengths. Lengths are not
 * secret here (a MAC's length is public), so a length mismatch returns at once.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/**
 * True when `candidate` equals one of `secrets`. Both sides are hashed first, so neither the
 * secret's length nor a common prefix leaks through timing; every secret is checked (rotation).
 */
export async function matchesAnySecret(candidate: string, secrets: readonly string[]): Promise<boolean> {
  const got = await sha256(utf8(candidate));
  let match = false;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    if (timingSafeEqual(got, await sha256(utf8(secret)))) match = true;
  }
  return match;
}

/**
 * True when any provided signature equals HMAC-SHA256(key, data) for any of `keys`.
 * One MAC per key, then constant-time comparisons; no early exit that would reveal which key matched.
 */
export async function anyHmacMatches(
  keys: readonly Uint8Array[],
  data: Uint8Array,
  signatures: readonly Uint8Array[],
): Promise<boolean> {
  let match = false;
  for (const key of keys) {
    const expected = await hmacSha256(key, data);
    for (const sig of signatures) if (timingSafeEqual(expected, sig)) match = true;
  }
  return match;
}
