import { z } from "zod";
import { Instant } from "./common.ts";

/**
 * What an audit entry says happened: who (opaque id), did what, to which object (opaque id), with
 * what outcome; `session` names the session too where the object is a participant in it, and
 * `requestId` ties the entry to the request (and its log line) that caused it.
 */
export const AuditEvent = z.strictObject({
  actor: z.string().max(128),
  action: z.string().regex(/^[a-z]+(\.[a-z-]+)+$/),
  object: z.string().max(128),
  outcome: z.string().max(64),
  session: z.string().max(64).optional(),
  requestId: z.string().max(128).optional(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

/** Who asks for a recorded change or read: the actor's opaque id and the request's id. */
export interface AuditCall {
  actor: string;
  requestId?: string;
}

/** A stored entry: the event, its time and place in the program's hash chain. */
export const AuditEntry = AuditEvent.extend({
  seq: z.number().int().min(1),
  at: Instant.meta({ description: "When the chain recorded it; never earlier than the entry before" }),
  occurredAt: Instant.optional().meta({
    description:
      "Present only when the event happened before the entry ahead of it was recorded (a room's event that reached the chain late): when it happened",
  }),
  prev: z.string(),
  hash: z.string(),
}).meta({ id: "AuditEntry" });
export type AuditEntry = z.infer<typeof AuditEntry>;

/** A signed statement of the chain's head, kept outside the program's storage (Workers KV). */
export const AuditCheckpoint = z
  .strictObject({
    seq: z.number().int().min(0),
    hash: z.string(),
    at: Instant,
    jws: z
      .string()
      .meta({ description: "The same, signed with the product's key (EdDSA, verify at /.well-known/jwks.json)" }),
  })
  .meta({ id: "AuditCheckpoint" });
export type AuditCheckpoint = z.infer<typeof AuditCheckpoint>;

/** The chain's state as one read verified it. */
export const AuditChainStatus = z
  .strictObject({
    valid: z.boolean(),
    length: z.number().int().meta({ description: "Entries stored now" }),
    brokenAt: z
      .number()
      .int()
      .nullable()
      .meta({ description: "First position that was changed, removed, reordered or cut off; null when valid" }),
    problem: z
      .enum(["edited", "missing", "reordered", "truncated", "checkpoint-mismatch", "checkpoint-forged"])
      .nullable(),
    verified: z
      .strictObject({ from: z.number().int(), to: z.number().int() })
      .meta({ description: "The positions re-hashed for this answer, from the nearest trusted checkpoint" }),
    checkpoint: AuditCheckpoint.nullable().meta({
      description: "The latest signed head this answer was checked against",
    }),
  })
  .meta({ id: "AuditChainStatus" });
export type AuditChainStatus = z.infer<typeof AuditChainStatus>;

/** `GET /v1/programs/{programId}/audit`: a page of entries and whether the chain verifies. */
export const AuditPage = z
  .strictObject({
    entries: z.array(AuditEntry),
    next: z.number().int().nullable(),
    chain: AuditChainStatus,
  })
  .meta({ id: "AuditPage" });
export type AuditPage = z.infer<typeof AuditPage>;
