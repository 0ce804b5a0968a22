import { createRoute, z } from "@hono/zod-openapi";
import { Instant } from "../../../schemas/common.ts";
import { hashInviteSecret, newInviteCode, parseInviteCode } from "../../directory/invite-code.ts";
import { isoInstant } from "../../lib/clock.ts";
import { mintApiToken } from "../../tokens/api-token.ts";
import { auditCall } from "../audit.ts";
import { secured } from "../middleware/auth.ts";
import { rateLimit } from "../middleware/rate-limit.ts";
import { EnrollmentParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, jsonBody, problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import { unwrap } from "../unwrap.ts";

/** A client session from an invite lasts a clinic day at most. */
const INVITE_SESSION_SECONDS = 4 * 3600;

const Invite = z
  .object({
    code: z.string().meta({ description: "Opaque; shown once, stored only as a hash" }),
    inviteUrl: z
      .string()
      .meta({ description: "The link to send; the code sits in the fragment, never sent to servers" }),
    expiresAt: Instant,
  })
  .meta({ id: "Invite" });
const Exchange = z.strictObject({ code: z.string().min(1).max(200) }).meta({ id: "InviteExchange" });
const ExchangeResult = z
  .object({ token: z.string(), expiresAt: Instant, clientId: z.string(), programId: z.string() })
  .meta({ id: "InviteExchangeResult" });

const createInvite = createRoute({
  method: "post",
  path: "/v1/enrollments/{enrollmentId}/invite",
  operationId: "createInvite",
  tags: ["invites"],
  summary: "Create the client's personal invite link (earlier links stop working)",
  ...secured(["admin", "facilitator"], "resource"),
  request: { params: EnrollmentParams },
  responses: {
    201: json(Invite, "The invite"),
    401: problems[401],
    403: problems[403],
    404: problems[404],
    409: problems[409],
  },
});

const revokeInvite = createRoute({
  method: "delete",
  path: "/v1/enrollments/{enrollmentId}/invite",
  operationId: "revokeInvites",
  tags: ["invites"],
  summary: "Revoke the client's invite links",
  ...secured(["admin", "facilitator"], "resource"),
  request: { params: EnrollmentParams },
  responses: {
    200: json(z.object({ revoked: z.number() }), "How many links stopped working"),
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

const exchange = createRoute({
  method: "post",
  path: "/v1/invites/exchange",
  operationId: "exchangeInvite",
  tags: ["invites"],
  summary: "Trade an invite code for a short-lived client token",
  security: [],
  middleware: [rateLimit("INVITE_LIMITER")],
  request: jsonBody(Exchange),
  responses: {
    200: json(ExchangeResult, "A client bearer token"),
    400: problems[400],
    401: problems[401],
    429: problems[429],
  },
});

const refused = () => new ApiError("unauthorized", "This invite link is not valid.");

/** Personal invite links: random, hashed at rest, revocable, expiring with the enrollment. */
export function inviteRoutes() {
  return newRouter()
    .openapi(createInvite, async (c) => {
      const { enrollmentId } = c.req.valid("param");
      const dir = c.var.services.directory.ofChild(enrollmentId);
      if (!dir) throw new ApiError("not-found", "No such enrollment.");
      const { code, secret } = newInviteCode(enrollmentId);
      const { expiresAt } = unwrap(
        await dir.stub.createInvite(
          enrollmentId,
          await hashInviteSecret(secret),
          c.var.services.clock.now(),
          auditCall(c),
        ),
      );
      const inviteUrl = `${new URL(c.req.url).origin}/join#invite=${code}`;
      return c.json({ code, inviteUrl, expiresAt: isoInstant(expiresAt) }, 201);
    })
    .openapi(revokeInvite, async (c) => {
      const { enrollmentId } = c.req.valid("param");
      const dir = c.var.services.directory.ofChild(enrollmentId);
      if (!dir) throw new ApiError("not-found", "No such enrollment.");
      const revoked = await dir.stub.revokeInvites(enrollmentId, c.var.services.clock.now(), auditCall(c));
      return c.json({ revoked }, 200);
    })
    .openapi(exchange, async (c) => {
      const { services } = c.var;
      const parsed = parseInviteCode(c.req.valid("json").code);
      if (!parsed) throw refused();
      const dir = services.directory.ofChild(parsed.enrollmentId);
      const now = services.clock.now();
      const who = dir
        ? await dir.stub.redeemInvite(parsed.enrollmentId, await hashInviteSecret(parsed.secret), now, auditCall(c))
        : null;
      // The directory recorded the exchange (or its refusal) in the step that decided it.
      if (!who) throw refused();
      const nowS = Math.floor(now / 1000);
      const ttl = Math.min(INVITE_SESSION_SECONDS, services.trust.maxLifetime ?? INVITE_SESSION_SECONDS);
      const token = await mintApiToken(await services.keyRing(), {
        sub: who.clientId,
        roles: ["client"],
        program: who.programId,
        issuer: services.trust.localIssuer,
        audience: services.trust.localAudience,
        now: nowS,
        ttlSeconds: ttl,
      });
      return c.json({ token, expiresAt: isoInstant((nowS + ttl) * 1000), ...who }, 200);
    });
}
