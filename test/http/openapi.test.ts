import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LiveMessage } from "../../schemas/live.ts";
import { PROBLEM_TYPES } from "../../src/http/problem.ts";
import { harness } from "../helpers.ts";
import { groupSession } from "../rooms/fixtures.ts";

describe("OpenAPI document", () => {
  it("lists exactly the routes the app registers", async () => {
    const { app, call } = harness();
    const doc = (await call("GET", "/openapi.json")).body as { openapi: string; paths: Record<string, object> };
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`))
      .sort();
    // The API is everything but the HTML pages (/join, /console, static assets), which are not JSON
    // endpoints, and the console's cookie sign-in under /auth (browser navigations and the page's own
    // session probe, meaningless without the browser's cookie: SECURITY.md and docs/web.md describe them).
    const isPage = (path: string) => /^\/(join|console|assets|i|auth)(\/|$)/.test(path);
    const registered = [
      ...new Set(app.routes.filter((r) => r.method !== "ALL" && !isPage(r.path)).map((r) => `${r.method} ${r.path}`)),
    ].sort();
    expect(documented).toEqual(registered);
  });

  it("describes error bodies as problem+json and protected routes with their roles", async () => {
    const { call } = harness();
    const doc = (await call("GET", "/openapi.json")).body;
    const op = doc.paths["/v1/programs"].post;
    expect(op["x-roles"]).toEqual(["admin"]);
    expect(op.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(op.responses["400"].content)).toEqual(["application/problem+json"]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
  });
});

type Operation = {
  operationId?: string;
  security?: unknown[];
  requestBody?: unknown;
  "x-roles"?: string[];
  parameters?: {
    in: string;
    name: string;
    example?: unknown;
    description?: string;
    schema?: Record<string, unknown>;
  }[];
  responses: Record<string, { content?: Record<string, unknown> }>;
};

/** Every operation of the served document, with its method and path. */
async function operations() {
  const { call } = harness();
  const doc = (await call("GET", "/openapi.json")).body;
  const ops = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({ at: `${method.toUpperCase()} ${path}`, path, method, op })),
  );
  return { doc, ops };
}

describe("OpenAPI document, as a client generator and a reader see it", () => {
  it("names every operation once, in camelCase", async () => {
    const { ops } = await operations();
    const ids = ops.map(({ op }) => op.operationId);
    for (const [i, id] of ids.entries()) expect(id, ops[i]?.at).toMatch(/^[a-z][a-zA-Z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ops.find((o) => o.at === "POST /v1/sessions/{sessionId}/join")?.op.operationId).toBe("joinSession");
  });

  it("declares a success and client errors on every operation, every error as problem+json", async () => {
    const { ops } = await operations();
    for (const { at, path, method, op } of ops) {
      const codes = Object.keys(op.responses);
      expect(
        codes.some((c) => /^2\d\d$/.test(c) || c === "default"),
        at,
      ).toBe(true);
      expect(
        codes.some((c) => /^4(\d\d|XX)$/.test(c)),
        at,
      ).toBe(true);
      expect(codes, at).toContain("500");
      for (const code of codes.filter((c) => /^[45]/.test(c) || c === "default")) {
        expect(Object.keys(op.responses[code]?.content ?? {}), `${at} ${code}`).toEqual(["application/problem+json"]);
      }
      // The app-wide body limit and JSON rule answer on every /v1 request with a body.
      if (path.startsWith("/v1/") && ["post", "put", "patch"].includes(method)) expect(codes, at).toContain("413");
    }
  });

  it("gives every path parameter a description and an example", async () => {
    const { ops } = await operations();
    for (const { at, op } of ops) {
      for (const param of op.parameters?.filter((p) => p.in === "path") ?? []) {
        expect(param.schema?.example ?? param.example, `${at} ${param.name}`).toEqual(expect.any(String));
        expect(param.schema?.description ?? param.description, `${at} ${param.name}`).toEqual(expect.any(String));
      }
    }
  });

  it("marks public operations as such, and says where it runs and under what license", async () => {
    const { doc, ops } = await operations();
    for (const { at, op } of ops) {
      expect(op.security, at).toEqual(op["x-roles"] ? [{ bearer: [] }] : []);
    }
    expect(ops.filter(({ op }) => !op["x-roles"]).map((o) => o.at)).toContain("POST /v1/invites/exchange");
    expect(doc.servers).toEqual([expect.objectContaining({ url: "/" })]);
    expect(doc.info.license.name).toBeTruthy();
  });

  it("describes the live channel's messages as schemas, not as a file name", async () => {
    const { doc, ops } = await operations();
    const live = ops.find((o) => o.at === "GET /v1/sessions/{sessionId}/live")?.op;
    expect(JSON.stringify(live)).not.toMatch(/schemas\/live|\.ts\b/);
    expect(live?.responses["101"]?.content?.["application/json"]).toEqual({
      schema: { $ref: "#/components/schemas/LiveMessage" },
    });
    const variants = doc.components.schemas.LiveMessage.oneOf.map((v: { $ref: string }) => {
      const schema = doc.components.schemas[v.$ref.split("/").pop() as string];
      return schema.properties.type.enum[0];
    });
    expect(variants.sort()).toEqual(LiveMessage.options.map((o) => o.shape.type.value).sort());
    expect(live?.responses["426"]?.content).toHaveProperty("application/problem+json");
  });

  it("declares every status of the closed problem set on some operation (405 is answered per path)", async () => {
    const { ops } = await operations();
    const declared = new Set(ops.flatMap(({ op }) => Object.keys(op.responses)));
    for (const { status } of Object.values(PROBLEM_TYPES)) {
      if (status !== 405) expect(declared, String(status)).toContain(String(status));
    }
  });
});

describe("GET /docs", () => {
  it("renders the document with Swagger UI from this Worker's static assets, under a strict CSP", async () => {
    const { call } = harness();
    const page = await call("GET", "/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.text).toContain('data-spec="/openapi.json"');
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);

    const files = [...page.text.matchAll(/<(?:script|link)[^>]+(?:src|href)="(\/[^"]*)"/g)].map((m) => m[1] as string);
    expect(files).toEqual([
      "/docs/swagger-ui/swagger-ui.css",
      "/docs/swagger-ui/swagger-ui-bundle.js",
      "/docs/start.js",
    ]);
    const served: Record<string, string> = {};
    for (const file of files) {
      // The same files `wrangler dev` and a deploy serve, through the plugin's assets binding.
      const res = await env.ASSETS.fetch(new URL(file, "http://localhost"));
      expect(res.status, file).toBe(200);
      expect(res.headers.get("x-content-type-options"), file).toBe("nosniff");
      expect(res.headers.get("content-type"), file).toMatch(file.endsWith(".css") ? /^text\/css/ : /javascript/);
      served[file] = await res.text();
    }
    expect(served["/docs/swagger-ui/swagger-ui-bundle.js"]).toContain("SwaggerUIBundle");
    expect(served["/docs/start.js"]).toMatch(/SwaggerUIBundle\(\{\s*url: root\.dataset\.spec/);
    expect(served["/docs/start.js"]).toContain("validatorUrl: null");
  });
});

describe("GET /v1/sessions/{sessionId}/live without a WebSocket upgrade", () => {
  it("answers 426 problem+json naming the protocol", async () => {
    const s = await groupSession({ clients: 1 });
    const res = await s.call("GET", `/v1/sessions/${s.sessionId}/live`, { token: s.facilitator });
    expect(res.status).toBe(426);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("upgrade")).toBe("websocket");
    expect(res.body).toMatchObject({ type: "/problems/upgrade-required", status: 426, requestId: expect.any(String) });
  });
});
