import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { JoinAdmitted, JoinWaiting, RoomActionResult } from "../../../schemas/room.ts";
import { isoInstant } from "../../lib/clock.ts";
import type { ActionOutcome } from "../../rooms/binding.ts";
import { joinRoom } from "../../rooms/join-service.ts";
import { audit } from "../audit.ts";
import { secured } from "../middleware/auth.ts";
import { rateLimit } from "../middleware/rate-limit.ts";
import { ParticipantParams, SessionParams } from "../params.ts";
import { ApiError } from "../problem.ts";
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
  ...secured(everyone, "resource", rateLimit("JOIN_LIMITER")),
  request: { params: SessionParams },
  responses: {
    200: json(JoinAdmitted, "Admitted: the provider token"),
    202: json(JoinWaiting, "Waiting for the facilitator"),
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
  summary: "Remove a participant: seat freed, tokens revoked, no rejoin",
  ...secured(staff, "resource"),
  request: { params: ParticipantParams },
  responses: { 200: json(RoomActionResult, "Removed"), 401: problems[401], 403: problems[403], 404: problems[404] },
});

/** The session's binding from its directory, checked for the caller and the action. */
async function authorize(c: Context<AppEnv>, sessionId: string, what: "join" | "manage") {
  const dir = c.var.services.directory.ofChild(sessionId);
  if (!dir) throw new ApiError("not-found", "No such session.");
  const result = await dir.stub.authorize(sessionId, c.var.principal, what);
  // The RPC stub's type drops the failure branch of the union; the value still carries it.
  const outcome = result as { ok: boolean; reason?: string };
  if (!outcome.ok) {
    await audit(c, sessionId, [{ action: `room.${what}`, object: sessionId, outcome: `denied:${outcome.reason}` }]);
  }
  return unwrap(result);
}

/** Record a staff action on a room. */
function recorded(c: Context<AppEnv>, sessionId: string, action: string, object = sessionId) {
  return audit(c, sessionId, [{ action, object, outcome: "ok" }]);
}

/** Map a room's refusal of a staff action to a problem. */
function check(outcome: ActionOutcome): { ok: true } {
  if (outcome.ok) return outcome;
  if (outcome.reason === "ended") throw new ApiError("gone", "The session has ended or was cancelled.");
  if (outcome.reason === "full") throw new ApiError("group-full", "The group is full.", { cap: outcome.cap });
  if (outcome.reason === "not-waiting") throw new ApiError("conflict", "That participant is not waiting.");
  throw new ApiError("not-found", "No such participant in this session.");
}

/** Room lifecycle, join and leave, admissions and removals. */
export function roomRoutes() {
  return newRouter()
    .openapi(joinRoute, async (c) => {
      const { sessionId } = c.req.valid("param");
      const auth = await authorize(c, sessionId, "join");
      const answer = await joinRoom(c.var.services.join, auth.binding, c.var.principal, auth.role);
      // The room audits the join itself, in the same step as the seat (SessionRoom.join).
      switch (answer.status) {
        case "admitted":
          return c.json(answer, 200);
        case "waiting":
          return c.json({ status: "waiting" as const }, 202);
        case "full":
          throw new ApiError("group-full", "The group is full.", { cap: answer.cap });
        case "too-early":
          throw new ApiError("outside-window", "The room is not open for joining yet.", {
            opensAt: isoInstant(answer.opensAt),
          });
        case "too-late":
          throw new ApiError("outside-window", "It is too late to join this session.", { reason: "late" });
        case "ended":
          throw new ApiError("gone", "The session has ended.");
        case "cancelled":
          throw new ApiError("gone", "The session was cancelled.");
        case "removed":
          throw new ApiError("removed", "You were removed from this session.");
        case "provider-not-configured":
          throw new ApiError("unavailable", "The video provider is not configured.", {}, { "retry-after": "60" });
      }
    })
    .openapi(
      action("leaveSession", "/v1/sessions/{sessionId}/leave", "End the caller's presence", everyone, SessionParams),
      async (c) => {
        const { sessionId } = c.req.valid("param");
        const { binding } = await authorize(c, sessionId, "join");
        const now = c.var.services.clock.now();
        check(await c.var.services.rooms.getByName(sessionId).leave(binding, c.var.principal.sub, now));
        await recorded(c, sessionId, "room.leave");
        return c.json({ ok: true as const }, 200);
      },
    )
    .openapi(action("openRoom", "/v1/sessions/{sessionId}/open", "Open the room", staff, SessionParams), async (c) => {
      const { sessionId } = c.req.valid("param");
      const { binding } = await authorize(c, sessionId, "manage");
      check(await c.var.services.rooms.getByName(sessionId).open(binding, c.var.services.clock.now()));
      await recorded(c, sessionId, "room.open");
      return c.json({ ok: true as const }, 200);
    })
    .openapi(
      action("closeRoom", "/v1/sessions/{sessionId}/close", "Close the room for good", staff, SessionParams),
      async (c) => {
        const { sessionId } = c.req.valid("param");
        const { binding } = await authorize(c, sessionId, "manage");
        const expected = (await c.var.services.directory.ofChild(sessionId)?.stub.expectedClients(sessionId)) ?? [];
        check(await c.var.services.rooms.getByName(sessionId).close(binding, c.var.services.clock.now(), expected));
        await recorded(c, sessionId, "room.close");
        return c.json({ ok: true as const }, 200);
      },
    )
    .openapi(
      action(
        "admitParticipant",
        "/v1/sessions/{sessionId}/participants/{participantId}/admit",
        "Admit from the waiting room",
        staff,
        ParticipantParams,
      ),
      async (c) => {
        const { sessionId, participantId } = c.req.valid("param");
        const { binding } = await authorize(c, sessionId, "manage");
        check(
          await c.var.services.rooms.getByName(sessionId).admit(binding, participantId, c.var.services.clock.now()),
        );
        return c.json({ ok: true as const }, 200);
      },
    )
    .openapi(removeRoute, async (c) => {
      const { sessionId, participantId } = c.req.valid("param");
      const { binding } = await authorize(c, sessionId, "manage");
      check(await c.var.services.rooms.getByName(sessionId).remove(binding, participantId, c.var.services.clock.now()));
      await recorded(c, sessionId, "room.remove", participantId);
      return c.json({ ok: true as const }, 200);
    });
}
