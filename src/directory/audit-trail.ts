import type { AuditChainStatus, AuditCheckpoint, AuditPage } from "../../schemas/audit.ts";
import { type Break, type ChainPoint, GENESIS, verifySegment } from "../audit/chain.ts";
import { readCheckpoint, signCheckpoint } from "../audit/checkpoint.ts";
import { isoInstant } from "../lib/clock.ts";
import { log } from "../lib/log.ts";
import type { KeyRing } from "../tokens/keys.ts";
import type { AuditStore } from "./audit-store.ts";

/** A signed anchor is kept at every this many entries, so a page is verified from the nearest one. */
const ANCHOR_EVERY = 500;

/** Checkpoints of the head are written at most this often (Workers KV takes about one write per key per second). */
const CHECKPOINT_GAP_MS = 1000;

/** Where checkpoints live: Workers KV, out of reach of an edit of the program's SQLite. Keys hold opaque ids only. */
const headKey = (programId: string) => `audit-head:${programId}`;
const anchorKey = (programId: string, n: number) => `audit-anchor:${programId}:${n}`;

export interface TrailDeps {
  store: AuditStore;
  kv: Pick<KVNamespace, "get" | "put">;
  keys: () => Promise<KeyRing>;
  programId: () => string | null;
}

/**
 * The trail as an auditor reads it: pages verified from the nearest signed checkpoint (not from the
 * start), and the head checkpointed outside the chain, so cutting entries off the end, editing and
 * re-hashing, or deleting anywhere shows. A checkpoint is only signed over a chain that verifies
 * against the previous one, so a tampered trail is never laundered into a trusted head.
 */
export class AuditTrail {
  readonly #d: TrailDeps;
  #pending: Promise<void> | null = null;
  #again = false;
  #lastAt = 0;

  constructor(deps: TrailDeps) {
    this.#d = deps;
  }

  /** A page of entries after `after` and the chain's status; `full` re-hashes the whole trail. */
  async read(after: number, limit: number, full = false): Promise<AuditPage> {
    const { store } = this.#d;
    const entries = store.page(after, limit);
    const last = entries.at(-1);
    const head = await this.#head();
    const to = full ? (store.last()?.seq ?? 0) : (last?.seq ?? after);
    const anchor = full ? { seq: 0, hash: GENESIS } : await this.#anchorBefore(after);
    const checkpoint = head === "forged" ? null : head;
    const found =
      head === "forged" || anchor === "forged"
        ? ({ brokenAt: null, problem: "checkpoint-forged" } as const)
        : this.#check(anchor, to, head);
    const chain: AuditChainStatus = {
      valid: found === null,
      length: store.count(),
      brokenAt: found?.brokenAt ?? null,
      problem: found?.problem ?? null,
      verified: { from: anchor === "forged" ? after + 1 : anchor.seq + 1, to },
      checkpoint,
    };
    if (found) log("error", "audit.chain.broken", { brokenAt: chain.brokenAt, problem: chain.problem });
    return { entries, next: last && entries.length === limit ? last.seq : null, chain };
  }

  /** Checkpoint the head soon after an append: one at a time, at most once a second, the latest head each time. */
  checkpointSoon(): void {
    if (this.#pending) {
      this.#again = true;
      return;
    }
    const wait = Math.max(0, this.#lastAt + CHECKPOINT_GAP_MS - Date.now());
    this.#pending = new Promise((resolve) => setTimeout(resolve, wait))
      .then(() => this.checkpoint())
      .then(
        () => undefined,
        (err: Error) => log("error", "audit.checkpoint.failed", { error: err.name }),
      )
      .finally(() => {
        this.#pending = null;
        this.#lastAt = Date.now();
        if (this.#again) {
          this.#again = false;
          this.checkpointSoon();
        }
      });
  }

  /** Sign the current head after checking the chain since the last one; a broken chain keeps the old head as evidence. */
  async checkpoint(): Promise<AuditCheckpoint | null> {
    const programId = this.#d.programId();
    if (!programId) return null;
    const { store } = this.#d;
    const prior = await this.#head();
    if (prior === "forged") return null;
    const from = prior ?? { seq: 0, hash: GENESIS };
    const head = store.head();
    const found = this.#check(from, head.seq, prior);
    if (found) {
      log("error", "audit.chain.broken", { brokenAt: found.brokenAt, problem: found.problem });
      return null;
    }
    if (prior && prior.seq === head.seq) return prior;
    const keys = await this.#d.keys();
    for (let n = Math.floor(from.seq / ANCHOR_EVERY) + 1; n * ANCHOR_EVERY <= head.seq; n++) {
      const hash = store.hashAt(n * ANCHOR_EVERY) ?? "";
      const anchor = await signCheckpoint(keys, programId, { seq: n * ANCHOR_EVERY, hash }, isoInstant(Date.now()));
      await this.#d.kv.put(anchorKey(programId, n), anchor.jws);
    }
    const signed = await signCheckpoint(keys, programId, head, isoInstant(Date.now()));
    await this.#d.kv.put(headKey(programId), signed.jws);
    return signed;
  }

  /** Re-hash (from, to] from a trusted point, then hold the stored chain to the head checkpoint. */
  #check(from: ChainPoint, to: number, head: AuditCheckpoint | null): Break | null {
    const { store } = this.#d;
    if (from.seq > 0 && store.hashAt(from.seq) !== from.hash) return this.#cut(from.seq);
    const broken = verifySegment(store.range(from.seq, to), from);
    if (broken) return broken;
    if (!head) return null;
    const stored = store.hashAt(head.seq);
    if (stored === head.hash) return null;
    return this.#cut(head.seq);
  }

  /** The stored chain disagrees with a checkpoint at `seq`: entries were cut off, or rewritten at or before it. */
  #cut(seq: number): Break {
    const newest = this.#d.store.last()?.seq ?? 0;
    if (newest < seq) return { brokenAt: newest + 1, problem: "truncated" };
    return { brokenAt: seq, problem: "checkpoint-mismatch" };
  }

  async #head(): Promise<AuditCheckpoint | "forged" | null> {
    const programId = this.#d.programId();
    if (!programId) return null;
    return readCheckpoint(await this.#d.keys(), programId, await this.#d.kv.get(headKey(programId)));
  }

  /** The signed anchor at or before `seq` (the genesis below the first); "forged" when one fails its signature. */
  async #anchorBefore(seq: number): Promise<ChainPoint | "forged"> {
    const programId = this.#d.programId();
    const n = Math.floor(seq / ANCHOR_EVERY);
    if (!programId || n === 0) return { seq: 0, hash: GENESIS };
    const anchor = await readCheckpoint(await this.#d.keys(), programId, await this.#d.kv.get(anchorKey(programId, n)));
    return anchor ?? { seq: 0, hash: GENESIS };
  }
}
