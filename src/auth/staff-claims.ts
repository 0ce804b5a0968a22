import { RolesClaim } from "../../schemas/auth.ts";
import { Id, SubjectId } from "../../schemas/common.ts";
import type { StaffRole } from "../../schemas/sign-in.ts";

/** Who a verified sign-in names: an opaque staff id, their staff roles and their program. */
export interface StaffGrant {
  staffId: string;
  roles: StaffRole[];
  programId: string;
}

export type GrantResult =
  | { ok: true; grant: StaffGrant }
  | {
      ok: false;
      reason: "bad-account" | "not-staff" | "no-program";
      /** What is known, for the audit entry of the refusal: opaque ids only. */
      staffId?: string;
      programId?: string;
    };

const STAFF: readonly StaffRole[] = ["admin", "facilitator"];

/**
 * Map a provider's verified claims to a console grant. The staff id is the token's `sub` (an opaque
 * id: no e-mail); roles come from `names.roles` (a list or a space-separated string) and only staff
 * roles count, so a client's account, or one without roles, is refused; the program comes from
 * `names.program` and must be one of the product's program ids. Nothing else (name, e-mail) is read.
 */
export function staffGrant(claims: Record<string, unknown>, names: { roles: string; program: string }): GrantResult {
  const sub = SubjectId.safeParse(claims.sub);
  if (!sub.success) return { ok: false, reason: "bad-account" };
  const staffId = sub.data;
  const rawProgram = claims[names.program];
  const program = Id.safeParse(rawProgram);
  const programId = program.success && program.data.startsWith("prg_") ? program.data : undefined;
  const roles = RolesClaim.safeParse(claims[names.roles] ?? []);
  const staffRoles = roles.success ? STAFF.filter((r) => roles.data.includes(r)) : [];
  if (staffRoles.length === 0) return { ok: false, reason: "not-staff", staffId, ...(programId ? { programId } : {}) };
  if (!programId) return { ok: false, reason: "no-program", staffId };
  return { ok: true, grant: { staffId, roles: staffRoles, programId } };
}
