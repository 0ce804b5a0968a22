import { z } from "zod";
import { Role, SubjectId } from "./common.ts";

/** Verified claims of a bearer token, whichever trusted issuer signed it. */
export const Principal = z.object({
  sub: SubjectId,
  roles: z.array(Role).min(1),
  /** Program the token is scoped to; admins without it act on any program. */
  program: z.string().optional(),
  issuer: z.enum(["local", "external"]),
});
export type Principal = z.infer<typeof Principal>;

/** The `roles` claim: a list, or a single space-separated string as some providers send. */
export const RolesClaim = z
  .union([z.array(z.string()), z.string().transform((s) => s.split(/\s+/).filter(Boolean))])
  .transform((roles) => roles.filter((r): r is Role => Role.safeParse(r).success));
