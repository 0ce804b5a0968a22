import { describe, expect, it } from "vitest";
import { harness } from "../helpers.ts";

describe("OpenAPI document", () => {
  it("lists exactly the routes the app registers", async () => {
    const { app, call } = harness();
    const doc = (await call("GET", "/openapi.json")).body as { openapi: string; paths: Record<string, object> };
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`))
      .sort();
    // The API is everything but the HTML pages (/join, /console, static assets), which are not JSON endpoints.
    const isPage = (path: string) => /^\/(join|console|assets|i)(\/|$)/.test(path);
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
