import { CompactSign, compactVerify } from "jose";
import { z } from "zod";
import { type AuditCheckpoint, AuditCheckpoint as CheckpointSchema } from "../../schemas/audit.ts";
import type { KeyRing } from "../tokens/keys.ts";
import type { ChainPoint } from "./chain.ts";

/** The JWS `typ` of a checkpoint, so no other signed object of the product can pass for one. */
const TYP = "iop-audit-checkpoint";

const Claims = z.strictObject({
  programId: z.string(),
  seq: z.number().int().min(0),
  hash: z.string(),
  at: z.string(),
});

/** Sign the statement "program P's chain had hash H at position N at time T" with the product's key. */
export async function signCheckpoint(
  keys: KeyRing,
  programId: string,
  point: ChainPoint,
  at: string,
): Promise<AuditCheckpoint> {
  const payload = new TextEncoder().encode(JSON.stringify({ programId, seq: point.seq, hash: point.hash, at }));
  const jws = await new CompactSign(payload)
    .setProtectedHeader({ alg: "EdDSA", kid: keys.kid, typ: TYP })
    .sign(keys.privateKey);
  return { seq: point.seq, hash: point.hash, at, jws };
}

/**
 * A checkpoint read back from outside storage, trusted only when its signature verifies under one of
 * the product's keys and it speaks of this program; "forged" otherwise, null when there is none.
 */
export async function readCheckpoint(
  keys: KeyRing,
  programId: string,
  jws: string | null,
): Promise<AuditCheckpoint | "forged" | null> {
  if (!jws) return null;
  try {
    const { payload, protectedHeader } = await compactVerify(jws, keys.verifyKey, { algorithms: ["EdDSA"] });
    if (protectedHeader.typ !== TYP) return "forged";
    const claims = Claims.parse(JSON.parse(new TextDecoder().decode(payload)));
    if (claims.programId !== programId) return "forged";
    return CheckpointSchema.parse({ seq: claims.seq, hash: claims.hash, at: claims.at, jws });
  } catch {
    return "forged";
  }
}
