import { createHash } from "node:crypto";
import type { AuditEntry, AuditEvent } from "../../schemas/audit.ts";

/** The hash every chain starts from. */
export const GENESIS = "0".repeat(64);

/**
 * SHA-256 (hex) of an entry's content and its predecessor's hash: changing or removing any entry
 * breaks every later link. Synchronous (node:crypto, under nodejs_compat) so the Durable Object
 * appends without an await: no other request can interleave and fork the chain, and no input
 * gate is held while hashing.
 */
export function entryHash(prev: string, seq: number, at: string, e: AuditEvent): string {
  const text = JSON.stringify([prev, seq, at, e.actor, e.action, e.object, e.outcome]);
  return createHash("sha256").update(text).digest("hex");
}

/** Check a chain from its start: the first sequence number whose entry was changed, removed or reordered, or null. */
export function verifyChain(entries: readonly AuditEntry[]): number | null {
  let prev = GENESIS;
  let expectedSeq = 1;
  for (const e of entries) {
    if (e.seq !== expectedSeq || e.prev !== prev) return expectedSeq;
    if (entryHash(prev, e.seq, e.at, e) !== e.hash) return e.seq;
    prev = e.hash;
    expectedSeq++;
  }
  return null;
}
