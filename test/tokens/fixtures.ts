import { decodeJwt, decodeProtectedHeader } from "jose";
import type { JoinGrant } from "../../schemas/join-token.ts";
import { generateSigningKeys } from "../../src/tokens/dev-keys.ts";
import { type KeyRing, loadKeyRing } from "../../src/tokens/keys.ts";

/** Issuer and audience as wrangler.toml configures them. */
export const ISSUER = "urn:iop-orchestrator";
export const AUDIENCE = "urn:iop-orchestrator:join";
export const CTX_NOW = Date.parse("2026-11-23T17:00:00Z") / 1000;

/** Personal and treatment-revealing strings that must never reach a token or room name. */
export const PERSONAL = [
  "Maria Gonzalez",
  "maria.gonzalez@example.com",
  "+1 415 555 0100",
  "Opioid Recovery Group",
  "Morning Track",
  "Sunrise Recovery Center",
];

/** A fresh single-key ring, as production loads it from `SIGNING_KEYS`. */
export async function freshRing(): Promise<KeyRing> {
  return loadKeyRing(await generateSigningKeys());
}

/** Two rings over the same two keys in both orders: the first key of each signs, both verify. */
export async function rotatedRings(): Promise<{ oldFirst: KeyRing; newFirst: KeyRing }> {
  const a = JSON.parse(await generateSigningKeys()).keys[0];
  const b = JSON.parse(await generateSigningKeys()).keys[0];
  return {
    oldFirst: await loadKeyRing(JSON.stringify({ keys: [a, b] })),
    newFirst: await loadKeyRing(JSON.stringify({ keys: [b, a] })),
  };
}

/** A grant valid for ten minutes around `CTX_NOW`, with the given overrides. */
export function grant(over: Partial<JoinGrant> = {}): JoinGrant {
  return {
    sub: "clt_7f3k2p9dq1x8c3v5b4k9",
    sid: "ses_4k9d2m7q1x8c3v5b0abc",
    room: "r_8c3v5b4k9d2m7q1x0abcdefgh",
    role: "client",
    nbf: CTX_NOW - 5,
    exp: CTX_NOW + 600,
    jti: "jti_0123456789abcdefghjk",
    ...over,
  };
}

/** Header and payload of a compact JWS, decoded without verification, plus the raw string. */
export function readable(token: string): string {
  return `${token}\n${JSON.stringify(decodeProtectedHeader(token))}\n${JSON.stringify(decodeJwt(token))}`;
}
