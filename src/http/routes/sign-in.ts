import { createRoute } from "@hono/zod-openapi";
import {
  SignInCode,
  SignInCodeCreate,
  SignInExchange,
  SignInExchangeResult,
  type StaffRole,
} from "../../../schemas/sign-in.ts";
import { hashInviteSecret, newInviteCode, parseInviteCode } from "../../directory/invite-code.ts";
import { isoInstant } from "../../lib/clock.ts";
import { newChildId, programIdOf } from "../../lib/ids.ts";
import { mintApiToken } from "../../tokens/api-token.ts";
import { auditCall } from "../audit.ts";
import { secured } from "../middleware/auth.ts";
import { rateLimit } from "../middleware/rate-limit.ts";
import { ProgramParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, jsonBody, problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import type { AppEnv } from "../types.ts";
import { unwrap } from "../unwrap.ts";

/** A code is pasted from a terminal into a browser at once: minutes, not hours. */
const CODE_SECONDS = 15 * 60;
/** The staff token it buys lasts a clinic shift, like a client's invite session. */
const TOKEN_SECONDS = 4 * 3600;

const disabled = "404 when local sign-in is off (always in production)";

const createCode = createRoute({
  method: "post",
  path: "/v1/programs/{programId}/sign-in-codes",
  operationId: "createSignInCode",
  tags: ["sign-in"],
  summary: "Local development: a one-time console sign-in link for a staff member of the program",
  description: `Works only where \`DEV_SIGN_IN\` is \`on\` (\`npm start\` sets it in \`.dev.vars\`); ${disabled}.`,
  ...secured(["admin"], "program"),
  request: { params: ProgramParams, ...jsonBody(SignInCodeCreate) },
  responses: {
    201: json(SignInCode, "The code and the console link carrying it"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: { ...problems[404], description: `No such program, or ${disabled}` },
  },
});

const exchangeCode = createRoute({
  method: "post",
  path: "/v1/sign-in-codes/exchange",
  operationId: "exchangeSignInCode",
  tags: ["sign-in"],
  summary: "Local development: trade a sign-in code, once, for a short-lived staff token",
  security: [],
  middleware: [rateLimit("INVITE_LIMITER")],
  request: jsonBody(SignInExchange),
  responses: {
    200: json(SignInExchangeResult, "A staff bearer token scoped to the program"),
    400: problems[400],
    401: problems[401],
    404: { ...problems[404], description: disabled },
    429: problems[429],
  },
});

const refused = () => new ApiError("unauthorized", "This sign-in link is not valid.");

function assertEnabled(enabled: boolean): void {
  if (!enabled) throw new ApiError("not-found", "No such resource.");
}

/**
 * One-time console sign-in for local development, until the clinic's OpenID provider signs staff
 * in: an admin makes a code (hashed at rest, like invite codes), the console trades it once.
 */
export function signInRoutes() {
  return newRouter()
    .openapi(createCode, async (c) => {
      const { services } = c.var;
      assertEnabled(services.devSignIn);
      const { programId } = c.req.valid("param");
      const dir = services.directory.program(programId);
      if (!dir) throw new ApiError("not-found", "No such program.");
      const { staffId, role } = c.req.valid("json");
      const id = newChildId("sgn", programId);
      const { code, secret } = newInviteCode(id);
      const now = services.clock.now();
      const expiresAt = now + CODE_SECONDS * 1000;
      const hash = await hashInviteSecret(secret);
      unwrap(await dir.createSignIn(id, { hash, grant: { staffId, role }, expiresAt }, now, auditCall(c)));
      const signInUrl = `${new URL(c.req.url).origin}/console#signin=${code}`;
      return c.json({ code, signInUrl, expiresAt: isoInstant(expiresAt) }, 201);
    })
    .openapi(exchangeCode, async (c) => {
      const { services } = c.var;
      assertEnabled(services.devSignIn);
      const parsed = parseInviteCode(c.req.valid("json").code);
      const id = parsed?.enrollmentId.startsWith("sgn_") ? parsed.enrollmentId : null;
      const programId = id ? programIdOf(id) : null;
      if (!parsed || !id || !programId) throw refused();
      const now = services.clock.now();
      const grant = await services.directory
        .program(programId)
        ?.redeemSignIn(id, await hashInviteSecret(parsed.secret), now, auditCall(c));
      // The directory recorded the exchange (or its refusal) in the step that decided it.
      if (!grant) throw refused();
      const token = await staffToken(c.var.services, grant, programId, Math.floor(now / 1000));
      return c.json({ ...token, staffId: grant.staffId, role: grant.role, programId }, 200);
    });
}

async function staffToken(
  services: AppEnv["Variables"]["services"],
  grant: { staffId: string; role: StaffRole },
  programId: string,
  nowS: number,
) {
  const ttl = Math.min(TOKEN_SECONDS, services.trust.maxLifetime ?? TOKEN_SECONDS);
  const token = await mintApiToken(await services.keyRing(), {
    sub: grant.staffId,
    roles: [grant.role],
    program: programId,
    issuer: services.trust.localIssuer,
    audience: services.trust.localAudience,
    now: nowS,
    ttlSeconds: ttl,
  });
  return { token, expiresAt: isoInstant((nowS + ttl) * 1000) };
}
