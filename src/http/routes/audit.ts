import { createRoute, z } from "@hono/zod-openapi";
import { AuditPage } from "../../../schemas/audit.ts";
import { auditCsv, chainHeaders } from "../../audit/export.ts";
import { auditCall } from "../audit.ts";
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
  summary: "The program's audit trail (hash-chained, append-only, checkpointed); CSV with Accept: text/csv",
  description:
    "Each answer says whether the chain verifies: the page is re-hashed from the nearest signed checkpoint (`verify=full`: from the start) and the stored chain is held to the latest signed head, so edits, deletions, reordering and entries cut off the end are reported with their first position. The read itself is recorded. CSV exports carry the same status in `Audit-Chain` and `Audit-Checkpoint` headers and a `chain` column on every row.",
  ...secured(["admin"], "program"),
  request: {
    params: ProgramParams,
    query: z.object({
      after: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      verify: z.enum(["page", "full"]).default("page").meta({ description: "`full` re-hashes the whole trail" }),
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
    const { after, limit, verify } = c.req.valid("query");
    const dir = c.var.services.directory.program(programId);
    if (!dir || !(await dir.getProgram())) throw new ApiError("not-found", "No such program.");
    const page = await dir.auditPage(after, limit, c.var.services.clock.now(), auditCall(c), verify === "full");
    if ((c.req.header("accept") ?? "").includes("text/csv")) {
      return c.body(auditCsv(page), 200, {
        "content-type": "text/csv; charset=utf-8",
        ...chainHeaders(page.chain),
      }) as never;
    }
    c.header("audit-chain", chainHeaders(page.chain)["audit-chain"]);
    return c.json(page, 200);
  });
}
