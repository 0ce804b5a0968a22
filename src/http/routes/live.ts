import { createRoute, z } from "@hono/zod-openapi";
import { secured } from "../middleware/auth.ts";
import { ApiError } from "../problem.ts";
import { problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import { unwrap } from "../unwrap.ts";

const live = createRoute({
  method: "get",
  path: "/v1/sessions/{sessionId}/live",
  tags: ["rooms"],
  summary: "WebSocket: admissions, arrivals and room state as they happen",
  description:
    "Browsers pass the bearer token as a subprotocol: `Sec-WebSocket-Protocol: iop.v1, bearer.<JWT>`. Staff hear about everyone; a client only about themselves and the room.",
  ...secured(["admin", "facilitator", "client"], "resource"),
  request: { params: z.object({ sessionId: z.string() }) },
  responses: {
    101: { description: "Switching to the live channel (messages: schemas/live.ts)" },
    401: problems[401],
    403: problems[403],
    404: problems[404],
    426: { description: "Not a WebSocket upgrade" },
  },
});

/** The live channel, handed to the session's room (Durable Object hibernation API). */
export function liveRoutes() {
  return newRouter().openapi(live, async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      return c.text("Expected a WebSocket upgrade", 426) as never;
    }
    const { sessionId } = c.req.valid("param");
    const { principal, services } = c.var;
    const dir = services.directory.ofChild(sessionId);
    if (!dir) throw new ApiError("not-found", "No such session.");
    const manage = await dir.stub.authorize(sessionId, principal, "manage");
    const auth = manage.ok ? manage : unwrap(await dir.stub.authorize(sessionId, principal, "join"));
    const headers = new Headers(c.req.raw.headers);
    headers.delete("authorization");
    headers.delete("sec-websocket-protocol");
    headers.set("x-participant-id", principal.sub);
    headers.set("x-audience", manage.ok ? "staff" : "participant");
    const room = services.rooms.getByName(sessionId);
    await room.bind(auth.binding, services.clock.now());
    return (await room.fetch(new Request(c.req.url, { headers }))) as never;
  });
}
