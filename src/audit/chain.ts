import { createHash } from "node:crypto";
import type { AuditChainStatus, AuditEntry, AuditEvent } from "../../schemas/audit.ts";

/** The hash every chain starts from. */
export const GENESIS = "0".repeat(64);

/** A trusted point of the chain: the hash of the entry at `seq` (seq 0 is the genesis). */
export interface ChainPoint {
  seq: number;
  hash: string;
}

/** What a stored entry is hashed over besides its links. */
export type Hashed = AuditEvent & { occurredAt?: string };

/**
 * SHA-256 (hex) of an entry's content and its predecessor's hash: changing or removing any entry
 * breaks every later link. Fields added later (session, request id, occurrence time) join the text
 * only when present, so entries written before them still verify. Synchronous (node:crypto, under
 * nodejs_compat) so the Durable Object appends without an await: no other request can interleave
 * and fork the chain.
 */
export function entryHash(prev: string, seq: number, at: string, e: Hashed): string {
  const base: unknown[] = [prev, seq, at, e.actor, e.action, e.object, e.outcome];
  const extra = [e.session ?? null, e.requestId ?? null, e.occurredAt ?? null];
  const text = JSON.stringify(extra.some((v) => v !== null) ? [...base, ...extra] : base);
  return createHash("sha256").update(text).digest("hex");
}

export type Break = { brokenAt: number; problem: NonNullable<AuditChainStatus["problem"]> };

/**
 * Check consecutive entries that should follow `from`: the first position changed, removed or
 * reordered, or null. A gap in the numbers is a removal; a link to the wrong predecessor is a
 * reordering (or a removal renumbered); a wrong hash over right links is an edit.
 */
export function verifySegment(
  entries: readonly AuditEntry[],
  from: ChainPoint = { seq: 0, hash: GENESIS },
): Break | null {
  let prev = from.hash;
  let expectedSeq = from.seq + 1;
  for (const e of entries) {
    if (e.seq > expectedSeq) return { brokenAt: expectedSeq, problem: "missing" };
    if (e.seq < expectedSeq || e.prev !== prev) return { brokenAt: expectedSeq, problem: "reordered" };
    if (entryHash(prev, e.seq, e.at, e) !== e.hash) return { brokenAt: e.seq, problem: "edited" };
    prev = e.hash;
    expectedSeq++;
  }
  return null;
}
