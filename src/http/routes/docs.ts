import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { json, problems } from "../responses.ts";
import { withSharedResponses } from "../shared-responses.ts";
import type { AppEnv } from "../types.ts";

const DESCRIPTION = `Join tokens, group caps, schedules, calendar webhooks and the attendance ledger for virtual
Intensive Outpatient Programs.

**Authentication.** \`Authorization: Bearer <JWT>\`: the product's own tokens (locally \`npm run token -- --role
admin --sub adm_demo\`) or an external OpenID provider's. Operations marked with a lock need one; \`x-roles\`
names the roles each accepts. Every failed verification is the same 401.

**Errors.** Every error is \`application/problem+json\` (RFC 9457) with a \`type\` from a closed set
(\`/problems/invalid-request\` with per-field \`errors\`, \`unauthorized\`, \`forbidden\`, \`removed\`, \`not-found\`,
\`method-not-allowed\`, \`conflict\`, \`group-full\`, \`outside-window\`, \`gone\`, \`payload-too-large\`,
\`unsupported-media-type\`, \`upgrade-required\`, \`rate-limited\`, \`internal\`, \`unavailable\`) and a \`requestId\`
that matches the \`X-Request-Id\` header. A path that does not exist answers 404; a method the path does not
have answers 405 with \`Allow\`.

**Live channel.** \`GET /v1/sessions/{sessionId}/live\` is a WebSocket; its messages are the \`LiveMessage\`
schemas.`;

const OPENAPI_CONFIG = {
  openapi: "3.1.0",
  info: {
    title: "iop-orchestrator",
    version: "1.0.0",
    description: DESCRIPTION,
    // The package is private and under no open-source license (SPDX's form for a license of one's own).
    license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
  },
  // Relative: resolved against wherever this document was fetched from (a local dev server or a deploy).
  servers: [{ url: "/", description: "The Worker that serves this document" }],
};

/** The OpenAPI 3.1 document of an app whose docs are registered; `npm run lint:openapi` lints the same. */
export function openApiDocument(app: OpenAPIHono<AppEnv>) {
  return withSharedResponses(app.getOpenAPI31Document(OPENAPI_CONFIG));
}

/** Where the Worker's static assets (wrangler.toml `[assets]`, `npm run assets`) put Swagger UI. */
const RENDERER = "/docs/swagger-ui";

/**
 * The page's own policy: Swagger UI's script and stylesheet and the page's start script from this
 * Worker, the document and "Try it out" calls to this origin, images inline (the stylesheet's icons).
 * Nothing from a CDN, no inline script, no framing.
 */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>iop-orchestrator API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${RENDERER}/swagger-ui.css"></head>
<body><noscript><p>This page renders <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1) with a script.</p></noscript>
<div id="swagger-ui" data-spec="/openapi.json"></div>
<script src="${RENDERER}/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body></html>`;

/** `GET /openapi.json` generated from the route schemas, and `GET /docs`, Swagger UI served by this Worker. */
export function registerDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  // The routes are all registered before the document is first asked for, so it never changes afterwards.
  let document: ReturnType<typeof openApiDocument> | undefined;

  app.openapi(
    createRoute({
      method: "get",
      path: "/openapi.json",
      operationId: "getOpenApiDocument",
      tags: ["system"],
      summary: "This OpenAPI document",
      security: [],
      responses: { 200: json(z.looseObject({}), "OpenAPI 3.1"), "4XX": problems["4XX"] },
    }),
    (c) => {
      document ??= openApiDocument(app);
      return c.json(document as unknown as Record<string, unknown>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/docs",
      operationId: "getApiReference",
      tags: ["system"],
      summary: "The API reference: this document rendered by Swagger UI",
      security: [],
      responses: {
        200: { description: "An HTML page", content: { "text/html": { schema: z.string() } } },
        "4XX": problems["4XX"],
      },
    }),
    (c) => c.html(DOCS_PAGE, 200, { "content-security-policy": DOCS_CSP }),
  );
}
