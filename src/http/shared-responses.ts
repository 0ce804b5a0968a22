import { problems } from "./responses.ts";

type Operation = { responses?: Record<string, unknown> };
type Paths = Record<string, Record<string, Operation>>;

const BODY_METHODS = new Set(["post", "put", "patch"]);
const METHODS = new Set(["get", "head", "options", "delete", ...BODY_METHODS]);

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

/**
 * The answers of the app-wide middleware and error handler (src/http/app.ts), which no route declares
 * itself: 413 from the body limit and 415 from the JSON-only rule on `/v1` bodies (webhooks check their
 * own types), 503 when a Durable Object is overloaded, and the logged 500 of the unexpected. Added to
 * each operation that does not already name the status, so the document lists every error it can get.
 */
export function withSharedResponses<D extends { paths?: object }>(doc: D): D {
  for (const [path, operations] of Object.entries((doc.paths ?? {}) as Paths)) {
    const api = path.startsWith("/v1/");
    for (const [method, op] of Object.entries(operations)) {
      if (!METHODS.has(method)) continue; // a path item's `parameters` or `summary`, not an operation
      const shared: Record<string, unknown> = { 500: problem(problems[500].description) };
      if (api) shared[503] = problem(problems[503].description);
      if (api && BODY_METHODS.has(method)) {
        shared[413] = problem(problems[413].description);
        if (!path.startsWith("/v1/webhooks/")) shared[415] = problem(problems[415].description);
      }
      // Integer-like keys keep ascending order in a JS object whatever the insertion order.
      op.responses = { ...shared, ...op.responses };
    }
  }
  return doc;
}
