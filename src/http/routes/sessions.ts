import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { Session, SessionCreate, SessionList, SessionMove, SessionRange } from "../../../schemas/session.ts";
import { isoInstant } from "../../lib/clock.ts";
import { newChildId } from "../../lib/ids.ts";
import { audit, auditCall } from "../audit.ts";
import { secured } from "../middleware/auth.ts";
import { ProgramParams, SessionParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, jsonBody, problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import type { AppEnv } from "../types.ts";
import { unwrap } from "../unwrap.ts";

const listSessions = createRoute({
  method: "get",
  path: "/v1/programs/{programId}/sessions",
  operationId: "listSessions",
  tags: ["sessions"],
  summary: "Occurrences overlapping a range, a page at a time (clients see only their own)",
  ...secured(["admin", "facilitator", "client"], "program"),
  request: { params: ProgramParams, query: SessionRange },
  responses: {
    200: json(SessionList, "Sessions by start time"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
  },
});

const createSession = createRoute({
  method: "post",
  path: "/v1/programs/{programId}/sessions",
  operationId: "createSession",
  tags: ["sessions"],
  summary: "Create an ad-hoc group, individual or family session",
  ...secured(["admin", "facilitator"], "program"),
  request: { params: ProgramParams, ...jsonBody(SessionCreate) },
  responses: {
    201: json(Session, "The session"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
    409: problems[409],
  },
});

const getSession = createRoute({
  method: "get",
  path: "/v1/sessions/{sessionId}",
  operationId: "getSession",
  tags: ["sessions"],
  summary: "One occurrence",
  ...secured(["admin", "facilitator", "client"], "resource"),
  request: { params: SessionParams },
  responses: { 200: json(Session, "The session"), 401: problems[401], 403: problems[403], 404: problems[404] },
});

const moveSession = createRoute({
  method: "patch",
  path: "/v1/sessions/{sessionId}",
  operationId: "moveSession",
  tags: ["sessions"],
  summary: "Move a session; its outstanding join tokens stop working",
  ...secured(["admin", "facilitator"], "resource"),
  request: { params: SessionParams, ...jsonBody(SessionMove) },
  responses: {
    200: json(Session, "The moved session"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
    409: problems[409],
    410: problems[410],
  },
});

const cancelSession = createRoute({
  method: "post",
  path: "/v1/sessions/{sessionId}/cancel",
  operationId: "cancelSession",
  tags: ["sessions"],
  summary: "Cancel a session; joins answer 410 and its tokens stop working",
  ...secured(["admin", "facilitator"], "resource"),
  request: { params: SessionParams },
  responses: {
    200: json(Session, "The cancelled session"),
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

/** The directory of the session in the path (the middleware has checked the id's program already). */
function directoryOf(c: Context<AppEnv>, sessionId: string) {
  const dir = c.var.services.directory.ofChild(sessionId);
  if (!dir) throw new ApiError("not-found", "No such session.");
  return dir.stub;
}

/** Occurrences: listing, ad-hoc creation, moving and cancelling. */
export function sessionRoutes() {
  return newRouter()
    .openapi(listSessions, async (c) => {
      const { programId } = c.req.valid("param");
      const dir = c.var.services.directory.program(programId);
      if (!dir || !(await dir.getProgram())) throw new ApiError("not-found", "No such program.");
      const list = await dir.listSessions(c.req.valid("query"), c.var.principal);
      // Who is booked into which session is the fact of attending (42 CFR Part 2): reads are recorded.
      await audit(c, programId, [
        { action: "session.read", object: programId, outcome: `list:${list.sessions.length}` },
      ]);
      return c.json(list, 200);
    })
    .openapi(createSession, async (c) => {
      const { programId } = c.req.valid("param");
      const dir = c.var.services.directory.program(programId);
      if (!dir) throw new ApiError("not-found", "No such program.");
      const now = isoInstant(c.var.services.clock.now());
      const id = newChildId("ses", programId);
      const { session } = unwrap(await dir.createSession(id, c.req.valid("json"), now, auditCall(c)));
      c.header("location", `/v1/sessions/${session.id}`);
      return c.json(session, 201);
    })
    .openapi(getSession, async (c) => {
      const { sessionId } = c.req.valid("param");
      const session = await directoryOf(c, sessionId).viewSession(sessionId, c.var.principal);
      if (!session) throw new ApiError("not-found", "No such session.");
      await audit(c, sessionId, [{ action: "session.read", object: sessionId, outcome: session.status }]);
      return c.json(session, 200);
    })
    .openapi(moveSession, async (c) => {
      const { sessionId } = c.req.valid("param");
      const { services, principal } = c.var;
      const now = services.clock.now();
      const { binding } = unwrap(
        await directoryOf(c, sessionId).moveSession(
          sessionId,
          c.req.valid("json"),
          principal,
          isoInstant(now),
          auditCall(c),
        ),
      );
      await services.gateway.rebind([binding]);
      return c.json(binding.session, 200);
    })
    .openapi(cancelSession, async (c) => {
      const { sessionId } = c.req.valid("param");
      const { services, principal } = c.var;
      const now = services.clock.now();
      const dir = directoryOf(c, sessionId);
      const { binding } = unwrap(await dir.cancelSession(sessionId, principal, isoInstant(now), auditCall(c)));
      await services.gateway.rebind([binding]);
      return c.json(binding.session, 200);
    });
}
