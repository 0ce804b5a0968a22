import { base64url } from "jose";
import type { CalendarSource } from "../../schemas/calendar/change.ts";
import type { SecretRow } from "./stores/secret-store.ts";

/**
 * Integration secrets at rest: AES-256-GCM under `INTEGRATION_KEY` (a Worker secret, 32 bytes in
 * base64), each with a fresh 96-bit IV and the program, source and secret id as additional data,
 * so a ciphertext copied to another row or program does not decrypt. Encrypted and decrypted in
 * the Worker: the Durable Object stores only ciphertext and never holds the key.
 */
export interface Sealed {
  iv: string;
  ciphertext: string;
}

const keys = new Map<string, Promise<CryptoKey | null>>();

/** The AES-GCM key of `INTEGRATION_KEY`, imported once; null when it is absent or not 32 bytes. */
export function integrationKey(raw: string | undefined): Promise<CryptoKey | null> {
  if (!raw) return Promise.resolve(null);
  let key = keys.get(raw);
  if (!key) {
    key = (async () => {
      let bytes: Uint8Array;
      try {
        bytes = Uint8Array.from(atob(raw.trim()), (c) => c.charCodeAt(0));
      } catch {
        return null;
      }
      if (bytes.length !== 32) return null;
      return crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
    })();
    keys.set(raw, key);
  }
  return key;
}

const aad = (programId: string, source: string, id: string) =>
  new TextEncoder().encode(`${programId}\n${source}\n${id}`);

export async function seal(key: CryptoKey, secret: string, where: { programId: string; source: string; id: string }) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = new TextEncoder().encode(secret);
  const additionalData = aad(where.programId, where.source, where.id);
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData }, key, data);
  return { iv: base64url.encode(iv), ciphertext: base64url.encode(new Uint8Array(ct)) } satisfies Sealed;
}

/** The secret, or null when the ciphertext is not this key's for this place (tampered, moved, other key). */
export async function open(key: CryptoKey, sealed: Sealed, where: { programId: string; source: string; id: string }) {
  try {
    const additionalData = aad(where.programId, where.source, where.id);
    const iv = base64url.decode(sealed.iv);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData },
      key,
      base64url.decode(sealed.ciphertext),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}

/** What lists show of a secret: the first 12 hex digits of its SHA-256, enough to tell two apart. */
export async function fingerprint(secret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)));
  return [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A new secret where the product may choose it: Standard Webhooks' `whsec_` + base64 of 32 random
 * bytes (the specification's format, which Svix accepts); for Cal.com (any string), a Graph
 * subscription's `clientState` (at most 128 characters) and a Google channel's token (at most 256),
 * 32 random bytes in base64url. Calendly issues its signing key itself: null, the admin pastes it.
 */
export function generatedSecret(source: CalendarSource): string | null {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  if (source === "standard") return `whsec_${btoa(String.fromCharCode(...bytes))}`;
  if (source === "calendly") return null;
  return base64url.encode(bytes);
}

/** The source's active secrets set through the API, opened with `INTEGRATION_KEY`; newest first. */
export async function openSecrets(
  sealed: readonly SecretRow[],
  programId: string,
  source: string,
  rawKey: string | undefined,
): Promise<string[]> {
  const mine = sealed.filter((r) => r.source === source);
  const key = mine.length > 0 ? await integrationKey(rawKey) : null;
  if (!key) return [];
  const opened = await Promise.all(mine.map((r) => open(key, r, { programId, source, id: r.id })));
  return opened.filter((s): s is string => s !== null);
}
