import { z } from "zod";
import { Instant } from "./common.ts";

/** What an audit entry says happened: who (opaque id), did what, to which object (opaque id), with what outcome. */
export const AuditEvent = z.strictObject({
  actor: z.string().max(128),
  action: z.string().regex(/^[a-z]+(\.[a-z-]+)+$/),
  object: z.string().max(128),
  outcome: z.string().max(64),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

/** A stored entry: the event, its time and place in the program's hash chain. */
export const AuditEntry = AuditEvent.extend({
  seq: z.number().int().min(1),
  at: Instant,
  prev: z.string(),
  hash: z.string(),
}).meta({ id: "AuditEntry" });
export type AuditEntry = z.infer<typeof AuditEntry>;

/** `GET /v1/programs/{programId}/audit`: a page of entries and whether the whole chain verifies. */
export const AuditPage = z
  .strictObject({
    entries: z.array(AuditEntry),
    next: z.number().int().nullable(),
    chain: z.strictObject({ valid: z.boolean(), length: z.number().int(), brokenAt: z.number().int().nullable() }),
  })
  .meta({ id: "AuditPage" });
