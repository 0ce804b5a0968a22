import { createRoute } from "@hono/zod-openapi";
import { CalendarConfigInput, CalendarConfigView, EnrollmentEmail } from "../../../schemas/calendar/integration.ts";
import { auditCall } from "../audit.ts";
import { secured } from "../middleware/auth.ts";
import { EnrollmentParams, ProgramParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, jsonBody, problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import { unwrap } from "../unwrap.ts";

const PATH = "/v1/programs/{programId}/integrations/calendar";

const getCalendar = createRoute({
  method: "get",
  path: PATH,
  operationId: "getCalendarIntegration",
  tags: ["integrations"],
  summary: "The program's calendar mappings, channels and subscriptions, and outstanding calendar work",
  ...secured(["admin", "facilitator"], "program"),
  request: { params: ProgramParams },
  responses: {
    200: json(CalendarConfigView, "The configuration"),
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

const putCalendar = createRoute({
  method: "put",
  path: PATH,
  operationId: "replaceCalendarIntegration",
  tags: ["integrations"],
  summary: "Replace the program's calendar configuration (which calendar or event type maps to which sessions)",
  ...secured(["admin"], "program"),
  request: { params: ProgramParams, ...jsonBody(CalendarConfigInput) },
  responses: {
    200: json(CalendarConfigView, "The configuration"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

const putEmail = createRoute({
  method: "put",
  path: "/v1/enrollments/{enrollmentId}/email",
  operationId: "setEnrollmentEmail",
  tags: ["integrations"],
  summary: "Match calendar attendees to this client: only a keyed hash of the address is kept",
  ...secured(["admin"], "resource"),
  request: { params: EnrollmentParams, ...jsonBody(EnrollmentEmail) },
  responses: {
    204: { description: "The hash is stored; the address is not" },
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
    409: problems[409],
  },
});

/** Calendar integration settings of a program, and the e-mail hashes that match attendees to clients. */
export function integrationRoutes() {
  return newRouter()
    .openapi(getCalendar, async (c) => {
      const { programId } = c.req.valid("param");
      const dir = c.var.services.directory.program(programId);
      const config = dir ? await dir.calendarConfig(c.var.services.clock.now()) : null;
      if (!config) throw new ApiError("not-found", "No such program.");
      return c.json(config, 200);
    })
    .openapi(putCalendar, async (c) => {
      const { programId } = c.req.valid("param");
      const dir = c.var.services.directory.program(programId);
      if (!dir) throw new ApiError("not-found", "No such program.");
      const { config } = unwrap(
        await dir.putCalendarConfig(c.req.valid("json"), c.var.services.clock.now(), auditCall(c)),
      );
      return c.json(config, 200);
    })
    .openapi(putEmail, async (c) => {
      const { enrollmentId } = c.req.valid("param");
      const dir = c.var.services.directory.ofChild(enrollmentId);
      if (!dir) throw new ApiError("not-found", "No such enrollment.");
      const email = c.req.valid("json").email;
      unwrap(await dir.stub.setEnrollmentEmail(enrollmentId, email, c.var.services.clock.now(), auditCall(c)));
      return c.body(null, 204);
    });
}
