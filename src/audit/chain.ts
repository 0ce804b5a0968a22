import type { AuditEntry, AuditEvent } from "../../schemas/audit.ts";

/** The hash every chain starts from. */
export const GENESIS = "0".repeat(64);

/** SHA-256 (hex) of an entry's content and its predecessor's hash: changing or removing any entry breaks every later link. */
export async function entryHash(prev: string, seq: number, at: string, e: AuditEvent): Promise<string> {
  const text = JSON.stringify([prev, seq, at, e.actor, e.action, e.object, e.outcome]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Check a chain from its start: the first sequence number whose entry was changed, removed or reordered, or null. */
export async function verifyChain(entries: readonly AuditEntry[]): Promise<number | null> {
  let prev = GENESIS;
  let expectedSeq = 1;
  for (const e of entries) {
    if (e.seq !== expectedSeq || e.prev !== prev) return expectedSeq;
    if ((await entryHash(prev, e.seq, e.at, e)) !== e.hash) return e.seq;
    prev = e.hash;
    expectedSeq++;
  }
  return null;
}
