import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../types.ts";

const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "iop-orchestrator",
    version: "1.0.0",
    description:
      "Join tokens, group caps, schedules, calendar webhooks and the attendance ledger for virtual Intensive Outpatient Programs.",
  },
};

/** `GET /openapi.json` generated from the route schemas, and `GET /docs`, a self-contained page that renders it. */
export function registerDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  const document = () => app.getOpenAPI31Document(OPENAPI_INFO);

  app.openapi(
    createRoute({
      method: "get",
      path: "/openapi.json",
      tags: ["system"],
      summary: "This OpenAPI document",
      responses: {
        200: { description: "OpenAPI 3.1", content: { "application/json": { schema: z.looseObject({}) } } },
      },
    }),
    (c) => c.json(document() as unknown as Record<string, unknown>, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/docs",
      tags: ["system"],
      summary: "A page to read the API",
      responses: { 200: { description: "HTML", content: { "text/html": { schema: z.string() } } } },
    }),
    (c) => c.html(renderDocs(document() as unknown as DocShape)),
  );
}

type DocShape = {
  info: { title: string; description?: string };
  paths: Record<string, Record<string, { summary?: string; tags?: string[]; "x-roles"?: string[] }>>;
};

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);

/** Server-rendered index of operations; no script, no CDN, so it works offline and under a strict CSP. */
function renderDocs(doc: DocShape): string {
  const rows = Object.entries(doc.paths)
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(
        ([method, op]) =>
          `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(
            op.summary ?? "",
          )}</td><td>${escapeHtml((op["x-roles"] ?? ["anyone"]).join(", "))}</td></tr>`,
      ),
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} API</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
code{font-size:.9em}</style></head>
<body><main><h1>${escapeHtml(doc.info.title)} API</h1><p>${escapeHtml(doc.info.description ?? "")}</p>
<p>The machine-readable contract is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Authenticate with
<code>Authorization: Bearer &lt;JWT&gt;</code>. Every error is <code>application/problem+json</code> (RFC 9457).</p>
<table><thead><tr><th scope="col">Method</th><th scope="col">Path</th><th scope="col">What</th><th scope="col">Who</th></tr></thead>
<tbody>
${rows}
</tbody></table></main></body></html>`;
}
