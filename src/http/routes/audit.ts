import { createRoute, z } from "@hono/zod-openapi";
import { AuditPage } from "../../../schemas/audit.ts";
import { csvField } from "../../attendance/csv.ts";
import { audit } from "../audit.ts";
import { secured } from "../middleware/auth.ts";
import { ProgramParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { problems } from "../responses.ts";
import { newRouter } from "../router.ts";

const auditRoute = createRoute({
  method: "get",
  path: "/v1/programs/{programId}/audit",
  operationId: "getAuditTrail",
  tags: ["audit"],
  summary: "The program's audit trail (hash-chained, append-only); CSV with Accept: text/csv",
  ...secured(["admin"], "program"),
  request: {
    params: ProgramParams,
    query: z.object({
      after: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: {
      description: "Entries and chain status",
      content: { "application/json": { schema: AuditPage }, "text/csv": { schema: z.string() } },
    },
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

/** The audit trail: read and export only; nothing can change or delete an entry. */
export function auditRoutes() {
  return newRouter().openapi(auditRoute, async (c) => {
    const { programId } = c.req.valid("param");
    const { after, limit } = c.req.valid("query");
    const dir = c.var.services.directory.program(programId);
    if (!dir || !(await dir.getProgram())) throw new ApiError("not-found", "No such program.");
    const page = await dir.auditPage(after, limit);
    await audit(c, programId, [
      { action: "audit.export", object: programId, outcome: `entries:${page.entries.length}` },
    ]);
    if ((c.req.header("accept") ?? "").includes("text/csv")) {
      const header = "seq,at,actor,action,object,outcome,prev,hash";
      const rows = page.entries.map((e) =>
        [e.seq, e.at, e.actor, e.action, e.object, e.outcome, e.prev, e.hash].map(csvField).join(","),
      );
      return c.body(`${[header, ...rows].join("\r\n")}\r\n`, 200, {
        "content-type": "text/csv; charset=utf-8",
      }) as never;
    }
    return c.json(page, 200);
  });
}
