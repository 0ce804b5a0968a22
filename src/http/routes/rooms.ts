import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { JoinRequest } from "../../../schemas/people.ts";
import { JoinAdmitted, JoinWaiting, RoomActionResult } from "../../../schemas/room.ts";
import type { Failure } from "../../directory/result.ts";
import type { Denied } from "../../rooms/room-gateway.ts";
import { audit, caller } from "../audit.ts";
import { secured } from "../middleware/auth.ts";
import { callerKey, rateLimit } from "../middleware/rate-limit.ts";
import { ParticipantParams, SessionParams } from "../params.ts";
import { json, problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import type { AppEnv } from "../types.ts";
import { unwrap } from "../unwrap.ts";

const staff = ["admin", "facilitator"] as const;
const everyone = ["admin", "facilitator", "client"] as const;

const action = <P extends typeof SessionParams | typeof ParticipantParams>(
  operationId: string,
  path: string,
  summary: string,
  roles: readonly ("admin" | "facilitator" | "client")[],
  params: P,
) =>
  createRoute({
    method: "post",
    path,
    operationId,
    tags: ["rooms"],
    summary,
    ...secured(roles, "resource"),
    request: { params },
    responses: {
      200: json(RoomActionResult, "Done"),
      401: problems[401],
      403: problems[403],
      404: problems[404],
      409: problems[409],
      410: problems[410],
    },
  });

const joinRoute = createRoute({
  method: "post",
  path: "/v1/sessions/{sessionId}/join",
  operationId: "joinSession",
  tags: ["rooms"],
  summary: "Ask to enter the room: a token, a place in the waiting room, or the reason not",
  ...secured(everyone, "resource", rateLimit("JOIN_LIMITER", callerKey, { perPath: false })),
  request: {
    params: SessionParams,
    body: { required: false, content: { "application/json": { schema: JoinRequest } } },
  },
  responses: {
    200: json(JoinAdmitted, "Admitted: the provider token"),
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

const removeRoute = createRoute({
  method: "delete",
  path: "/v1/sessions/{sessionId}/participants/{participantId}",
  operationId: "removeParticipant",
  tags: ["rooms"],
  summary: "Remove a participant: seat freed, tokens revoked, no rejoin until readmitted; 409 for staff of record",
  ...secured(staff, "resource"),
  request: { params: ParticipantParams },
  responses: {
    200: json(RoomActionResult, "Removed"),
    401: problems[401],
    403: problems[403],
    404: problems[404],
    409: problems[409],
    410: problems[410],
  },
});

/**
 * The gateway's result as the answer: a refused ticket (not the session's participant or staff) is
 * recorded here, since no room was asked; the room records everything it decides itself.
 */
export async function settle<T extends { ok: true }>(
  c: Context<AppEnv>,
  sessionId: string,
  what: string,
  result: T | Failure | Denied,
): Promise<T> {
  if (!result.ok && "denied" in result) {
    await audit(c, sessionId, [{ action: what, object: sessionId, outcome: `denied:${result.reason}` }]);
  }
  return unwrap<T>(result as T | Failure);
}

const staffActions = [
  ["openRoom", "open", "/v1/sessions/{sessionId}/open", "Open the room", "room.open"],
  ["closeRoom", "close", "/v1/sessions/{sessionId}/close", "Close the room for good", "room.close"],
] as const;

const participantActions = [
  [
    "admitParticipant",
    "admit",
    "/v1/sessions/{sessionId}/participants/{participantId}/admit",
    "Admit from the waiting room",
    "room.admit",
  ],
  [
    "readmitParticipant",
    "readmit",
    "/v1/sessions/{sessionId}/participants/{participantId}/readmit",
    "Let a removed participant join again (they wait again under manual admission)",
    "room.readmit",
  ],
] as const;

/** Room lifecycle, join and leave, admissions and removals: thin shells over the room gateway. */
export function roomRoutes() {
  const app = newRouter()
    .openapi(joinRoute, async (c) => {
      const { sessionId } = c.req.valid("param");
      // The body is optional: a check-in may give the name the client goes by (schemas/people.ts).
      const displayName = (c.req.valid("json") as JoinRequest | undefined)?.displayName;
      const joined = await c.var.services.gateway.join(sessionId, caller(c), displayName);
      const { answer } = await settle(c, sessionId, "room.join", joined);
      // The room audits the join itself, in the same step as the seat (SessionRoom.join).
      return answer.status === "admitted" ? c.json(answer, 200) : c.json(answer, 202);
    })
    .openapi(
      action("leaveSession", "/v1/sessions/{sessionId}/leave", "End the caller's presence", everyone, SessionParams),
      async (c) => {
        const { sessionId } = c.req.valid("param");
        await settle(c, sessionId, "room.leave", await c.var.services.gateway.leave(sessionId, caller(c)));
        return c.json({ ok: true as const }, 200);
      },
    )
    .openapi(removeRoute, async (c) => {
      const { sessionId, participantId } = c.req.valid("param");
      const result = await c.var.services.gateway.staff("remove", sessionId, caller(c), participantId);
      await settle(c, sessionId, "room.remove", result);
      return c.json({ ok: true as const }, 200);
    });
  for (const [operationId, verb, path, summary, audited] of staffActions) {
    app.openapi(action(operationId, path, summary, staff, SessionParams), async (c) => {
      const { sessionId } = c.req.valid("param");
      await settle(c, sessionId, audited, await c.var.services.gateway.staff(verb, sessionId, caller(c)));
      return c.json({ ok: true as const }, 200);
    });
  }
  for (const [operationId, verb, path, summary, audited] of participantActions) {
    app.openapi(action(operationId, path, summary, staff, ParticipantParams), async (c) => {
      const { sessionId, participantId } = c.req.valid("param");
      const result = await c.var.services.gateway.staff(verb, sessionId, caller(c), participantId);
      await settle(c, sessionId, audited, result);
      return c.json({ ok: true as const }, 200);
    });
  }
  return app;
}
