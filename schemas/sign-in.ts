import { z } from "zod";
import { Instant, SubjectId } from "./common.ts";

/** Roles a console sign-in code may grant: staff only, never a client. */
export const StaffRole = z.enum(["facilitator", "admin"]);
export type StaffRole = z.infer<typeof StaffRole>;

/** `POST /v1/programs/{programId}/sign-in-codes`: who the one-time code signs in. */
export const SignInCodeCreate = z
  .strictObject({
    staffId: SubjectId.meta({ description: "The staff member's opaque id; it becomes the token's `sub`" }),
    role: StaffRole.default("facilitator"),
  })
  .meta({ id: "SignInCodeCreate" });
export type SignInCodeCreate = z.infer<typeof SignInCodeCreate>;

/** A one-time console sign-in code, shown once and stored only as a hash. */
export const SignInCode = z
  .strictObject({
    code: z.string().meta({ description: "Opaque; works once, within minutes" }),
    signInUrl: z.string().meta({ description: "The console with the code in its fragment, never sent to servers" }),
    expiresAt: Instant,
  })
  .meta({ id: "SignInCode" });
export type SignInCode = z.infer<typeof SignInCode>;

/** `POST /v1/sign-in-codes/exchange`. */
export const SignInExchange = z.strictObject({ code: z.string().min(1).max(200) }).meta({ id: "SignInExchange" });

/** A short-lived staff bearer token, scoped to the program. */
export const SignInExchangeResult = z
  .strictObject({ token: z.string(), expiresAt: Instant, staffId: SubjectId, role: StaffRole, programId: z.string() })
  .meta({ id: "SignInExchangeResult" });
export type SignInExchangeResult = z.infer<typeof SignInExchangeResult>;

/** Who a redeemed sign-in code names (stored with the code's hash in the program's directory). */
export const SignInGrant = z.strictObject({ staffId: SubjectId, role: StaffRole });
export type SignInGrant = z.infer<typeof SignInGrant>;
