import { createRoute } from "@hono/zod-openapi";
import { IntrospectRequest, IntrospectResponse } from "../../../schemas/room.ts";
import { programIdOf } from "../../lib/ids.ts";
import { verifyJoinToken } from "../../tokens/join-token.ts";
import { inProgram, secured } from "../middleware/auth.ts";
import { rateLimit } from "../middleware/rate-limit.ts";
import { json, jsonBody, problems } from "../responses.ts";
import { newRouter } from "../router.ts";

const introspect = createRoute({
  method: "post",
  path: "/v1/tokens/introspect",
  operationId: "introspectToken",
  tags: ["tokens"],
  summary: "Is a native join token still good? (RFC 7662 style, for a media gateway)",
  description:
    "For an admin (of one program, or of all) or a media gateway's `gateway` credential, which always " +
    "belongs to one program (an unscoped one is refused, 403). A caller scoped to a program learns only " +
    "about that program's tokens: any other token answers `{ active: false }`, as a forged or expired one does.",
  ...secured(["admin", "gateway"], "caller", rateLimit("TOKEN_LIMITER")),
  request: jsonBody(IntrospectRequest),
  responses: {
    200: json(IntrospectResponse, "active, or not"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
  },
});

/**
 * Token introspection: the signature and times first, then the caller's program, then the room, after
 * handing it the directory's current view so a move or cancel revokes even if the room had not heard yet.
 */
export function introspectRoutes() {
  return newRouter().openapi(introspect, async (c) => {
    const { services } = c.var;
    const now = services.clock.now();
    const verified = await verifyJoinToken(c.req.valid("json").token, await services.keyRing(), {
      ...services.joinToken,
      now: Math.floor(now / 1000),
    });
    if (!verified.ok) return c.json({ active: false as const }, 200);
    const { claims } = verified;
    // Another program's token is answered like junk, before any directory or room is asked: no oracle.
    if (!inProgram(c.var.principal, programIdOf(claims.sid) ?? "")) return c.json({ active: false as const }, 200);
    if (!(await services.gateway.introspect(claims.sid, claims.jti, claims.sub))) {
      return c.json({ active: false as const }, 200);
    }
    const { sub, sid, role, room: roomName, exp, jti } = claims;
    return c.json({ active: true as const, sub, sid, role, room: roomName, exp, jti }, 200);
  });
}
