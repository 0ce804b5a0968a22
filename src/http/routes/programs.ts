import { createRoute } from "@hono/zod-openapi";
import { Program, ProgramCreate, ProgramPatch } from "../../../schemas/program.ts";
import { auditCall } from "../audit.ts";
import { secured } from "../middleware/auth.ts";
import { ProgramParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, jsonBody, problems } from "../responses.ts";
import { newRouter } from "../router.ts";

const createProgram = createRoute({
  method: "post",
  path: "/v1/programs",
  operationId: "createProgram",
  tags: ["programs"],
  summary: "Create a program",
  ...secured(["admin"], "global"),
  request: jsonBody(ProgramCreate),
  responses: { 201: json(Program, "The new program"), 400: problems[400], 401: problems[401], 403: problems[403] },
});

const getProgram = createRoute({
  method: "get",
  path: "/v1/programs/{programId}",
  operationId: "getProgram",
  tags: ["programs"],
  summary: "A program with its settings",
  ...secured(["admin", "facilitator"], "program"),
  request: { params: ProgramParams },
  responses: { 200: json(Program, "The program"), 401: problems[401], 403: problems[403], 404: problems[404] },
});

const patchProgram = createRoute({
  method: "patch",
  path: "/v1/programs/{programId}",
  operationId: "updateProgram",
  tags: ["programs"],
  summary: "Change a program's name, time zone or settings",
  ...secured(["admin"], "program"),
  request: { params: ProgramParams, ...jsonBody(ProgramPatch) },
  responses: {
    200: json(Program, "The updated program"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

const notFound = () => new ApiError("not-found", "No such program.");

/** Programs: creation by admins, reading by the program's staff, settings by its admins. */
export function programRoutes() {
  return newRouter()
    .openapi(createProgram, async (c) => {
      const result = await c.var.services.programs.create(c.req.valid("json"), auditCall(c));
      if (!result.ok)
        throw new ApiError("invalid-request", "One or more fields are invalid.", { errors: result.errors });
      c.header("location", `/v1/programs/${result.program.id}`);
      return c.json(result.program, 201);
    })
    .openapi(getProgram, async (c) => {
      const { programId } = c.req.valid("param");
      const program = await c.var.services.programs.get(programId);
      if (!program) throw notFound();
      return c.json(program, 200);
    })
    .openapi(patchProgram, async (c) => {
      const { programId } = c.req.valid("param");
      const result = await c.var.services.programs.update(programId, c.req.valid("json"), auditCall(c));
      if (!result) throw notFound();
      if (!result.ok)
        throw new ApiError("invalid-request", "One or more fields are invalid.", { errors: result.errors });
      // Rooms open now hear the new settings at once (and ask the directory again at each next join).
      await c.var.services.gateway.settingsChanged(programId);
      return c.json(result.program, 200);
    });
}
