import { createRoute, z } from "@hono/zod-openapi";
import { Track, TrackCreate, TrackPatch } from "../../../schemas/track.ts";
import { newChildId } from "../../lib/ids.ts";
import { isoWeekBounds, isoWeekOf, parseIsoWeek } from "../../schedule/zoned.ts";
import { audit, auditCall } from "../audit.ts";
import { secured } from "../middleware/auth.ts";
import { ProgramClientParams, ProgramParams, TrackParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, jsonBody, problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import { unwrap } from "../unwrap.ts";

const WeeklyPlan = z
  .object({
    scheduledMinutes: z.number(),
    minimumMinutes: z.number(),
    meetsMinimum: z.boolean(),
    warning: z.string().optional(),
  })
  .meta({ id: "WeeklyPlan" });
const TrackWithPlan = Track.extend({ plan: WeeklyPlan }).meta({ id: "TrackWithPlan" });
const errors = { 400: problems[400], 401: problems[401], 403: problems[403], 404: problems[404], 409: problems[409] };

const createTrack = createRoute({
  method: "post",
  path: "/v1/programs/{programId}/tracks",
  operationId: "createTrack",
  tags: ["tracks"],
  summary: "Create a recurring track (days or RRULE) in the program's time zone",
  ...secured(["admin"], "program"),
  request: { params: ProgramParams, ...jsonBody(TrackCreate) },
  responses: { 201: json(TrackWithPlan, "The track and its weekly hours"), ...errors },
});

const listTracks = createRoute({
  method: "get",
  path: "/v1/programs/{programId}/tracks",
  operationId: "listTracks",
  tags: ["tracks"],
  summary: "The program's tracks",
  ...secured(["admin", "facilitator"], "program"),
  request: { params: ProgramParams },
  responses: { 200: json(z.object({ tracks: z.array(Track) }), "Tracks"), 401: problems[401], 403: problems[403] },
});

const getTrack = createRoute({
  method: "get",
  path: "/v1/tracks/{trackId}",
  operationId: "getTrack",
  tags: ["tracks"],
  summary: "One track with its weekly hours",
  ...secured(["admin", "facilitator"], "resource"),
  request: { params: TrackParams },
  responses: { 200: json(TrackWithPlan, "The track"), 401: problems[401], 403: problems[403], 404: problems[404] },
});

const patchTrack = createRoute({
  method: "patch",
  path: "/v1/tracks/{trackId}",
  operationId: "updateTrack",
  tags: ["tracks"],
  summary: "Change a track; future sessions follow",
  ...secured(["admin"], "resource"),
  request: { params: TrackParams, ...jsonBody(TrackPatch) },
  responses: { 200: json(TrackWithPlan, "The track"), ...errors },
});

const endTrack = createRoute({
  method: "post",
  path: "/v1/tracks/{trackId}/end",
  operationId: "endTrack",
  tags: ["tracks"],
  summary: "End a track; its future sessions are cancelled",
  ...secured(["admin"], "resource"),
  request: { params: TrackParams },
  responses: { 200: json(Track, "The ended track"), 401: problems[401], 403: problems[403], 404: problems[404] },
});

const clientPlan = createRoute({
  method: "get",
  path: "/v1/programs/{programId}/clients/{clientId}/plan",
  operationId: "getClientPlan",
  tags: ["tracks"],
  summary: "A client's scheduled weekly hours (track plus individual sessions) against the minimum",
  ...secured(["admin", "facilitator", "client"], "program"),
  request: {
    params: ProgramClientParams,
    query: z.object({
      week: z
        .string()
        .regex(/^\d{4}-W\d{2}$/)
        .optional(),
    }),
  },
  responses: {
    200: json(WeeklyPlan.extend({ week: z.string() }), "The plan"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

/** Tracks: recurring groups, and the weekly plan checks that come with them. */
export function trackRoutes() {
  return newRouter()
    .openapi(createTrack, async (c) => {
      const { programId } = c.req.valid("param");
      const dir = c.var.services.directory.program(programId);
      if (!dir) throw new ApiError("not-found", "No such program.");
      const { track, plan } = unwrap(
        await dir.createTrack(
          newChildId("trk", programId),
          c.req.valid("json"),
          c.var.services.clock.now(),
          auditCall(c),
        ),
      );
      c.header("location", `/v1/tracks/${track.id}`);
      return c.json({ ...track, plan }, 201);
    })
    .openapi(listTracks, async (c) => {
      const { programId } = c.req.valid("param");
      const dir = c.var.services.directory.program(programId);
      const tracks = dir ? await dir.listTracks() : [];
      // Individual and family series name their clients: reads are recorded like the sessions'.
      await audit(c, programId, [{ action: "track.read", object: programId, outcome: `list:${tracks.length}` }]);
      return c.json({ tracks }, 200);
    })
    .openapi(getTrack, async (c) => {
      const { trackId } = c.req.valid("param");
      const found = await c.var.services.directory.ofChild(trackId)?.stub.getTrack(trackId);
      if (!found) throw new ApiError("not-found", "No such track.");
      await audit(c, trackId, [{ action: "track.read", object: trackId, outcome: found.track.status }]);
      return c.json({ ...found.track, plan: found.plan }, 200);
    })
    .openapi(patchTrack, async (c) => {
      const { trackId } = c.req.valid("param");
      const dir = c.var.services.directory.ofChild(trackId);
      if (!dir) throw new ApiError("not-found", "No such track.");
      const { track, plan, bindings } = unwrap(
        await dir.stub.updateTrack(trackId, c.req.valid("json"), c.var.services.clock.now(), auditCall(c)),
      );
      await c.var.services.gateway.rebind(bindings);
      return c.json({ ...track, plan }, 200);
    })
    .openapi(endTrack, async (c) => {
      const { trackId } = c.req.valid("param");
      const dir = c.var.services.directory.ofChild(trackId);
      if (!dir) throw new ApiError("not-found", "No such track.");
      const { track, bindings } = unwrap(await dir.stub.endTrack(trackId, c.var.services.clock.now(), auditCall(c)));
      await c.var.services.gateway.rebind(bindings);
      return c.json(track, 200);
    })
    .openapi(clientPlan, async (c) => {
      const { programId, clientId } = c.req.valid("param");
      const { principal, services } = c.var;
      if (principal.roles.length === 1 && principal.roles[0] === "client" && principal.sub !== clientId) {
        throw new ApiError("forbidden", "A client may read only their own plan.");
      }
      const dir = services.directory.program(programId);
      const program = dir ? await dir.getProgram() : null;
      if (!dir || !program) throw new ApiError("not-found", "No such program.");
      const week = c.req.valid("query").week ?? isoWeekOf(services.clock.now(), program.timezone);
      const parsed = parseIsoWeek(week);
      if (!parsed.ok)
        throw new ApiError("invalid-request", "Not an ISO week.", {
          errors: [{ path: "week", message: parsed.reason }],
        });
      const bounds = isoWeekBounds(week, program.timezone);
      const plan = await dir.clientPlan(clientId, bounds);
      if (!plan) throw new ApiError("not-found", "No such program.");
      await audit(c, programId, [{ action: "plan.read", object: clientId, outcome: `week:${week}` }]);
      return c.json({ week, ...plan }, 200);
    });
}
