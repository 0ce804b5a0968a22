import { createRoute } from "@hono/zod-openapi";
import { LiveMessage } from "../../../schemas/live.ts";
import { audit } from "../audit.ts";
import { secured } from "../middleware/auth.ts";
import { SessionParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import { unwrap } from "../unwrap.ts";

const live = createRoute({
  method: "get",
  path: "/v1/sessions/{sessionId}/live",
  operationId: "connectLiveChannel",
  tags: ["rooms"],
  summary: "WebSocket: admissions, arrivals and room state as they happen",
  description: [
    "A WebSocket (`Upgrade: websocket`). Browsers, which cannot set headers on one, pass the bearer token as a",
    "subprotocol: `Sec-WebSocket-Protocol: iop.v1, bearer.<JWT>`; the server answers with the `iop.v1` subprotocol.",
    "After the upgrade the server sends JSON text frames, each a `LiveMessage` (the 101 answer's schema): first",
    "`hello`, then what happens in the room. Staff hear about everyone; a client only about themselves and the room.",
    "A client may send the text frame `ping`; the server answers `pong`. Nothing else a client sends is read.",
  ].join(" "),
  ...secured(["admin", "facilitator", "client"], "resource"),
  request: { params: SessionParams },
  responses: {
    101: {
      description: "Switching to the live channel; each later text frame from the server is one of these messages",
      content: { "application/json": { schema: LiveMessage } },
    },
    401: problems[401],
    403: problems[403],
    404: problems[404],
    426: problems[426],
    default: problems.default,
  },
});

/** The live channel, handed to the session's room (Durable Object hibernation API). */
export function liveRoutes() {
  return newRouter().openapi(live, async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      // RFC 9110 §15.5.22: a 426 names the protocol to upgrade to.
      throw new ApiError("upgrade-required", "Open this as a WebSocket.", {}, { upgrade: "websocket" });
    }
    const { sessionId } = c.req.valid("param");
    const { principal, services } = c.var;
    const { response } = unwrap(await services.gateway.live(sessionId, principal, c.req.raw));
    // The staff feed shows who waits and who is in the room: opening it is a read, recorded like the roster.
    await audit(c, sessionId, [{ action: "live.connect", object: sessionId, outcome: "ok" }]);
    return response as never;
  });
}
