import { describe, expect, it } from "vitest";
import { harness } from "../helpers.ts";

describe("HTTP foundation", () => {
  it("answers /healthz with ok, a request id and secure headers", async () => {
    const { call } = harness();
    const res = await call("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
    expect(res.headers.get("x-request-id")).toMatch(/.+/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  it("serves the public halves of the signing keys, never the private part", async () => {
    const { call } = harness();
    const res = await call("GET", "/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    const [key] = res.body.keys;
    expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
    expect(key.kid).toMatch(/.+/);
    expect(key.d).toBeUndefined();
  });

  it("answers unknown paths with 404 problem+json and wrong methods with 405 and Allow", async () => {
    const { call } = harness();
    const missing = await call("GET", "/nope");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    expect(missing.body).toMatchObject({ type: "/problems/not-found", status: 404, title: expect.any(String) });
    expect(missing.body.requestId).toBe(missing.headers.get("x-request-id"));

    const wrong = await call("DELETE", "/healthz");
    expect(wrong.status).toBe(405);
    // Hono's methodNotAllowed names HEAD beside GET: Hono answers HEAD from every GET route.
    expect(wrong.headers.get("allow")).toBe("GET, HEAD");
    expect(wrong.body.type).toBe("/problems/method-not-allowed");
  });

  it("refuses a body that is not JSON with 415 and a malformed one with 400", async () => {
    const { call, token } = harness();
    const admin = await token("admin", "adm_1");
    const xml = await call("POST", "/v1/programs", {
      token: admin,
      raw: "<program/>",
      headers: { "content-type": "application/xml" },
    });
    expect(xml.status).toBe(415);
    expect(xml.body.type).toBe("/problems/unsupported-media-type");

    const broken = await call("POST", "/v1/programs", {
      token: admin,
      raw: '{"name": ',
      headers: { "content-type": "application/json" },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.type).toBe("/problems/invalid-request");
  });

  it("refuses a body over the limit with 413 before parsing it", async () => {
    const { call, token } = harness();
    const admin = await token("admin", "adm_1");
    const res = await call("POST", "/v1/programs", {
      token: admin,
      raw: JSON.stringify({ name: "x".repeat(300_000), timezone: "UTC" }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
    expect(res.body.type).toBe("/problems/payload-too-large");
  });

  it("allows CORS only from configured origins", async () => {
    const { call } = harness();
    const env = { CORS_ORIGINS: "https://console.clinic.example, https://other.example" };
    const allowed = await call("GET", "/healthz", { headers: { origin: "https://console.clinic.example" }, env });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://console.clinic.example");
    const evil = await call("GET", "/healthz", { headers: { origin: "https://evil.example" }, env });
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    const unconfigured = await call("GET", "/healthz", { headers: { origin: "https://console.clinic.example" } });
    expect(unconfigured.headers.get("access-control-allow-origin")).toBeNull();
  });
});
