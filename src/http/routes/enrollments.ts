import { createRoute } from "@hono/zod-openapi";
import {
  Enrollment,
  EnrollmentCreate,
  EnrollmentList,
  EnrollmentPatch,
  EnrollmentQuery,
} from "../../../schemas/enrollment.ts";
import { isoInstant } from "../../lib/clock.ts";
import { newChildId } from "../../lib/ids.ts";
import { audit, auditCall } from "../audit.ts";
import { secured } from "../middleware/auth.ts";
import { EnrollmentParams, ProgramParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, jsonBody, problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import { unwrap } from "../unwrap.ts";

const createEnrollment = createRoute({
  method: "post",
  path: "/v1/programs/{programId}/enrollments",
  operationId: "createEnrollment",
  tags: ["enrollments"],
  summary: "Enroll a client in a track; 409 group-full when the track holds its cap",
  ...secured(["admin"], "program"),
  request: { params: ProgramParams, ...jsonBody(EnrollmentCreate) },
  responses: {
    201: json(Enrollment, "The enrollment"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
    409: problems[409],
  },
});

const listEnrollments = createRoute({
  method: "get",
  path: "/v1/programs/{programId}/enrollments",
  operationId: "listEnrollments",
  tags: ["enrollments"],
  summary: "The program's enrollments, oldest first; filter by track and status",
  ...secured(["admin", "facilitator"], "program"),
  request: { params: ProgramParams, query: EnrollmentQuery },
  responses: {
    200: json(EnrollmentList, "Enrollments"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

const getEnrollment = createRoute({
  method: "get",
  path: "/v1/enrollments/{enrollmentId}",
  operationId: "getEnrollment",
  tags: ["enrollments"],
  summary: "One enrollment",
  ...secured(["admin", "facilitator"], "resource"),
  request: { params: EnrollmentParams },
  responses: { 200: json(Enrollment, "The enrollment"), 401: problems[401], 403: problems[403], 404: problems[404] },
});

const patchEnrollment = createRoute({
  method: "patch",
  path: "/v1/enrollments/{enrollmentId}",
  operationId: "updateEnrollment",
  tags: ["enrollments"],
  summary: "Step down, step up, discharge or transfer; discharge takes effect at once",
  ...secured(["admin"], "resource"),
  request: { params: EnrollmentParams, ...jsonBody(EnrollmentPatch) },
  responses: {
    200: json(Enrollment, "The enrollment"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
    409: problems[409],
  },
});

/** Enrollments: a client's place in a track and its lifecycle. */
export function enrollmentRoutes() {
  return newRouter()
    .openapi(createEnrollment, async (c) => {
      const { programId } = c.req.valid("param");
      const dir = c.var.services.directory.program(programId);
      if (!dir) throw new ApiError("not-found", "No such program.");
      const now = isoInstant(c.var.services.clock.now());
      const id = newChildId("enr", programId);
      const { enrollment } = unwrap(await dir.createEnrollment(id, c.req.valid("json"), now, auditCall(c)));
      c.header("location", `/v1/enrollments/${enrollment.id}`);
      return c.json(enrollment, 201);
    })
    .openapi(listEnrollments, async (c) => {
      const { programId } = c.req.valid("param");
      const enrollments = await c.var.services.directory.program(programId)?.listEnrollments(c.req.valid("query"));
      if (!enrollments) throw new ApiError("not-found", "No such program.");
      await audit(c, programId, [
        { action: "enrollment.read", object: programId, outcome: `list:${enrollments.length}` },
      ]);
      return c.json({ enrollments }, 200);
    })
    .openapi(getEnrollment, async (c) => {
      const { enrollmentId } = c.req.valid("param");
      const enrollment = await c.var.services.directory.ofChild(enrollmentId)?.stub.getEnrollment(enrollmentId);
      if (!enrollment) throw new ApiError("not-found", "No such enrollment.");
      await audit(c, enrollmentId, [{ action: "enrollment.read", object: enrollmentId, outcome: enrollment.status }]);
      return c.json(enrollment, 200);
    })
    .openapi(patchEnrollment, async (c) => {
      const { enrollmentId } = c.req.valid("param");
      const dir = c.var.services.directory.ofChild(enrollmentId);
      if (!dir) throw new ApiError("not-found", "No such enrollment.");
      const now = isoInstant(c.var.services.clock.now());
      const who = auditCall(c);
      const { enrollment, dismiss } = unwrap(
        await dir.stub.updateEnrollment(enrollmentId, c.req.valid("json"), now, who),
      );
      // A discharge, step-down or transfer counts in the rooms open now, not only at the next join.
      if (dismiss.length > 0) await c.var.services.gateway.dismiss(dismiss, enrollment.clientId, who);
      return c.json(enrollment, 200);
    });
}
