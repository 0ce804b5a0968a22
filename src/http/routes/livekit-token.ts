import { createRoute } from "@hono/zod-openapi";
import { LiveKitTokenRequest, LiveKitTokenResponse } from "../../../schemas/livekit-token.ts";
import { JoinWaiting } from "../../../schemas/room.ts";
import { roomName } from "../../tokens/window.ts";
import { caller } from "../audit.ts";
import { secured } from "../middleware/auth.ts";
import { callerKey, rateLimit } from "../middleware/rate-limit.ts";
import { SessionParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import { settle } from "./rooms.ts";

const tokenRoute = createRoute({
  method: "post",
  path: "/v1/sessions/{sessionId}/livekit-token",
  operationId: "livekitTokenEndpoint",
  tags: ["rooms"],
  summary: "The join in LiveKit's standard token-endpoint shape, for LiveKit programs",
  description:
    "What LiveKit's client SDKs fetch with an endpoint `TokenSource` (pass this product's bearer token as a " +
    "custom header): `201 { server_url, participant_token }`. The same join as `POST …/join` (seat, waiting " +
    "room, revocation, audit). The room, identity and name are the product's: a body field asking for another " +
    "room or identity, a name, metadata, attributes or room configuration is refused with 400. `202` while the " +
    "facilitator has not let the caller in (LiveKit's SDKs treat it as a failure: ask again). 409 for a program " +
    "whose video provider is not LiveKit; 503 when LiveKit's URL is not configured.",
  ...secured(["admin", "facilitator", "client"], "resource", rateLimit("JOIN_LIMITER", callerKey, { perPath: false })),
  request: {
    params: SessionParams,
    body: { required: false, content: { "application/json": { schema: LiveKitTokenRequest } } },
  },
  responses: {
    201: json(LiveKitTokenResponse, "Admitted: LiveKit's server URL and the participant's token"),
    202: json(JoinWaiting, "Waiting for the facilitator"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
    409: problems[409],
    410: problems[410],
    429: problems[429],
    503: problems[503],
  },
});

/** LiveKit's WebSocket URL from its server API URL (`LIVEKIT_URL` is http(s), for RoomService). */
function websocketUrl(url: string): string {
  return url.replace(/^http(s?):\/\//, (_, s: string) => `ws${s}://`);
}

/** `POST /v1/sessions/{sessionId}/livekit-token`: the join as any LiveKit client app expects it. */
export function livekitTokenRoutes() {
  return newRouter().openapi(tokenRoute, async (c) => {
    const { sessionId } = c.req.valid("param");
    const body = (c.req.valid("json") as LiveKitTokenRequest | undefined) ?? {};
    const { services } = c.var;
    const who = caller(c);
    const errors: { path: string; message: string }[] = [];
    const refuse = (path: string, message: string) => errors.push({ path, message });
    if (body.participant_identity !== undefined && body.participant_identity !== who.sub) {
      refuse("participant_identity", "only your own id");
    }
    if (body.room_name !== undefined && body.room_name !== (await roomName(sessionId, services.config.roomSecret))) {
      refuse("room_name", "only this session's room");
    }
    if (body.participant_name !== undefined) refuse("participant_name", "set by staff or at check-in");
    if (body.participant_metadata) refuse("participant_metadata", "not settable");
    if (body.participant_attributes && Object.keys(body.participant_attributes).length > 0) {
      refuse("participant_attributes", "not settable");
    }
    if (body.room_config && Object.keys(body.room_config).length > 0) refuse("room_config", "not settable");
    if (errors.length > 0) throw new ApiError("invalid-request", "One or more fields are not settable.", { errors });
    const url = services.config.livekit?.url;
    if (!url) throw new ApiError("unavailable", "LiveKit's URL is not configured.", {}, { "retry-after": "60" });

    const joined = await services.gateway.join(sessionId, who, undefined, "livekit");
    const { answer } = await settle(c, sessionId, "room.join", joined);
    if (answer.status !== "admitted") return c.json(answer, 202);
    return c.json({ server_url: websocketUrl(url), participant_token: answer.token }, 201);
  });
}
