import { createRoute, z } from "@hono/zod-openapi";
import { SubjectId } from "../../../schemas/common.ts";
import { DisplayNamePut, PeopleList, PeopleQuery, PersonName } from "../../../schemas/people.ts";
import { isoInstant } from "../../lib/clock.ts";
import { audit, auditCall } from "../audit.ts";
import { directoryOf } from "../directory.ts";
import { secured } from "../middleware/auth.ts";
import { ProgramParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, jsonBody, problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import { unwrap } from "../unwrap.ts";

const staff = ["admin", "facilitator"] as const;
const subjectId = z.string().max(128).meta({
  description: "The person's opaque id (client, family member, facilitator, observer)",
  example: "clt_7f3k2p9d",
});
const PersonParams = ProgramParams.extend({ subjectId });

const putName = createRoute({
  method: "put",
  path: "/v1/programs/{programId}/people/{subjectId}/display-name",
  operationId: "setDisplayName",
  tags: ["people"],
  summary: "Set the name staff see for a person (and, where the program shows names in calls, the call)",
  ...secured(staff, "program"),
  request: { params: PersonParams, ...jsonBody(DisplayNamePut) },
  responses: {
    200: json(PersonName, "The name as stored"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

const deleteName = createRoute({
  method: "delete",
  path: "/v1/programs/{programId}/people/{subjectId}/display-name",
  operationId: "clearDisplayName",
  tags: ["people"],
  summary: "Forget a person's name (the console shows their id again)",
  ...secured(staff, "program"),
  request: { params: PersonParams },
  responses: { 204: { description: "Forgotten" }, 401: problems[401], 403: problems[403], 404: problems[404] },
});

const listNames = createRoute({
  method: "get",
  path: "/v1/programs/{programId}/people",
  operationId: "listDisplayNames",
  tags: ["people"],
  summary: "The names of the given people, for staff screens (those without a name are left out)",
  ...secured(staff, "program"),
  request: { params: ProgramParams, query: PeopleQuery },
  responses: {
    200: json(PeopleList, "Names"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

/** Display names: set and read by staff only; stored only in the program's directory (docs/storage.md). */
export function peopleRoutes() {
  return newRouter()
    .openapi(putName, async (c) => {
      const { programId, subjectId: id } = c.req.valid("param");
      // An id that could never be a subject (an e-mail, say) is nobody here: nothing is stored under it.
      if (!SubjectId.safeParse(id).success) throw new ApiError("not-found", "No such person.");
      const now = isoInstant(c.var.services.clock.now());
      const { displayName } = c.req.valid("json");
      const { person } = unwrap(await directoryOf(c, programId).setDisplayName(id, displayName, now, auditCall(c)));
      return c.json(person as PersonName, 200);
    })
    .openapi(deleteName, async (c) => {
      const { programId, subjectId: id } = c.req.valid("param");
      const now = isoInstant(c.var.services.clock.now());
      unwrap(await directoryOf(c, programId).setDisplayName(id, null, now, auditCall(c)));
      return c.body(null, 204);
    })
    .openapi(listNames, async (c) => {
      const { programId } = c.req.valid("param");
      const dir = directoryOf(c, programId);
      if (!(await dir.getProgram())) throw new ApiError("not-found", "No such program.");
      const people = await dir.displayNames(c.req.valid("query").ids);
      await audit(c, programId, [{ action: "people.read", object: programId, outcome: `names:${people.length}` }]);
      return c.json({ people }, 200);
    });
}
