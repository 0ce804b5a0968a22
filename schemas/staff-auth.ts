import { z } from "zod";
import { Instant, SubjectId } from "./common.ts";
import { StaffRole } from "./sign-in.ts";

/**
 * Staff sign-in to the console: what the clinic's OpenID provider publishes and answers, what the
 * login cookie holds between `/auth/login` and `/auth/callback`, and the session the console reads.
 */

/** The parts of an OpenID provider's discovery document the sign-in uses (OpenID Connect Discovery 1.0 §3). */
export const OidcDiscovery = z.looseObject({
  issuer: z.string().min(1),
  authorization_endpoint: z.url({ protocol: /^https?$/ }),
  token_endpoint: z.url({ protocol: /^https?$/ }),
  jwks_uri: z.url({ protocol: /^https?$/ }),
  code_challenge_methods_supported: z.array(z.string()).optional(),
});
export type OidcDiscovery = z.infer<typeof OidcDiscovery>;

/** A successful token endpoint answer (RFC 6749 §5.1); an OpenID provider adds the `id_token`. */
export const OidcTokenResponse = z.looseObject({
  token_type: z.string().min(1),
  id_token: z.string().min(1).max(16_384),
});

/** Between the redirect to the provider and its callback: kept encrypted in a short-lived cookie. */
export const LoginState = z.strictObject({
  state: z.string().min(43).max(64),
  nonce: z.string().min(43).max(64),
  /** The PKCE code verifier (RFC 7636 §4.1); only its S256 challenge left the Worker. */
  verifier: z.string().min(43).max(128),
  /** Where the console goes after sign-in: a path of this origin. */
  returnTo: z.string().max(200),
});
export type LoginState = z.infer<typeof LoginState>;

/** A same-origin path: one leading slash, no scheme, host, backslash or control character. */
export const ReturnPath = z
  .string()
  .max(200)
  .regex(/^\/(?![/\\])[^\\\s]*$/, "must be a path of this site, such as /console");

/** Why a console sign-in ended without a session: the console shows what to do for each. */
export const SignInRefusal = z.enum([
  "expired",
  "bad-state",
  "denied",
  "bad-response",
  "unreachable",
  "exchange-failed",
  "bad-token",
  "bad-account",
  "not-staff",
  "no-program",
]);
export type SignInRefusal = z.infer<typeof SignInRefusal>;

/** `GET /auth/session`: who the console is signed in as. */
export const StaffSession = z
  .strictObject({
    staffId: SubjectId,
    role: StaffRole.meta({ description: "`admin` when the session holds the admin role, else `facilitator`" }),
    roles: z.array(StaffRole).min(1),
    programId: z.string(),
    csrf: z.string().nullable().meta({
      description:
        "Send as `X-CSRF-Token` on every state-changing call made with the session cookie; null for a bearer token, which needs none",
    }),
    expiresAt: Instant,
  })
  .meta({ id: "StaffSession" });
export type StaffSession = z.infer<typeof StaffSession>;
