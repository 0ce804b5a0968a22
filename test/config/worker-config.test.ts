import { describe, expect, it, vi } from "vitest";
import { ConfigError, workerConfig } from "../../src/config/worker-config.ts";

const base = {
  TOKEN_ISSUER: "urn:iop",
  TOKEN_AUDIENCE: "urn:iop:api",
  JOIN_AUDIENCE: "urn:iop:join",
  SIGNING_KEYS: '{"keys":[]}',
  ROOM_SECRET: "0123456789abcdef",
  AUTH_ISSUER: "",
  AUTH_AUDIENCE: "",
  AUTH_JWKS_URL: "",
  CORS_ORIGINS: "",
  MAX_BODY_BYTES: "262144",
  LOG_LEVEL: "info",
};

/** The names a ConfigError reports for an environment. */
function refused(env: object): string[] {
  try {
    workerConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.fields;
    throw err;
  }
  return [];
}

describe("the Worker's configuration", () => {
  it("reads wrangler.toml's shape: empty means not configured, defaults fill the rest", () => {
    const config = workerConfig({ ...base, CORS_ORIGINS: " https://a.example , ,https://b.example" });
    expect(config.externalIssuer).toBeUndefined();
    expect(config.livekit).toBeUndefined();
    expect(config.google).toEqual({ baseUrl: "https://www.googleapis.com/calendar/v3", accessToken: undefined });
    expect(config.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(config.maxBodyBytes).toBe(262_144);
    expect(config.webhookSecrets).toBe("{}");
    expect(workerConfig({ ...base, MAX_BODY_BYTES: "" }).maxBodyBytes).toBe(256 * 1024);
  });

  it("groups what belongs together, only when complete", () => {
    const config = workerConfig({
      ...base,
      LIVEKIT_API_KEY: "key",
      LIVEKIT_API_SECRET: "secret",
      AUTH_ISSUER: "https://idp.example",
      AUTH_AUDIENCE: "iop",
      AUTH_JWKS_URL: "https://idp.example/jwks",
    });
    expect(config.livekit).toEqual({ apiKey: "key", apiSecret: "secret" });
    expect(config.externalIssuer).toEqual({
      issuer: "https://idp.example",
      audience: "iop",
      jwksUrl: "https://idp.example/jwks",
    });
    expect(workerConfig({ ...base, LIVEKIT_API_KEY: "key" }).livekit).toBeUndefined();
  });

  it.each([
    ["a missing signing key", { SIGNING_KEYS: undefined }, "SIGNING_KEYS"],
    ["a blank issuer", { TOKEN_ISSUER: "  " }, "TOKEN_ISSUER"],
    ["a short room secret", { ROOM_SECRET: "short" }, "ROOM_SECRET"],
    ["a body limit that is not a number", { MAX_BODY_BYTES: "256k" }, "MAX_BODY_BYTES"],
    ["a body limit below 1 KiB", { MAX_BODY_BYTES: "10" }, "MAX_BODY_BYTES"],
    ["an unknown log level", { LOG_LEVEL: "debug" }, "LOG_LEVEL"],
    ["a JWKS URL that is not a URL", { AUTH_JWKS_URL: "idp/jwks" }, "AUTH_JWKS_URL"],
  ])("refuses %s, naming the variable and never its value", (_label, patch, field) => {
    expect(refused({ ...base, ...patch })).toEqual([field]);
  });
});

describe("LIVEKIT_URL", () => {
  const lk = { ...base, LIVEKIT_API_KEY: "key", LIVEKIT_API_SECRET: "secret" };

  it("joins the key pair as `url`, without trailing slashes; empty means not configured", () => {
    expect(workerConfig({ ...lk, LIVEKIT_URL: " https://clinic.livekit.cloud/ " }).livekit).toEqual({
      apiKey: "key",
      apiSecret: "secret",
      url: "https://clinic.livekit.cloud",
    });
    expect(workerConfig({ ...lk, LIVEKIT_URL: "http://127.0.0.1:7880//" }).livekit?.url).toBe("http://127.0.0.1:7880");
    expect(workerConfig({ ...lk, LIVEKIT_URL: "" }).livekit).toStrictEqual({ apiKey: "key", apiSecret: "secret" });
    expect(workerConfig(lk).livekit).toStrictEqual({ apiKey: "key", apiSecret: "secret" });
  });

  it("refuses what is not an http(s) URL, naming LIVEKIT_URL", () => {
    expect(refused({ ...lk, LIVEKIT_URL: "wss://clinic.livekit.cloud" })).toEqual(["LIVEKIT_URL"]);
    expect(refused({ ...lk, LIVEKIT_URL: "clinic.livekit.cloud" })).toEqual(["LIVEKIT_URL"]);
  });
});

describe("a Worker deployed with a broken configuration", () => {
  it("answers 503 problem+json naming nothing secret, and logs the variable's name", async () => {
    const { harness } = await import("../helpers.ts");
    const { call } = harness();
    const errors: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    try {
      const res = await call("GET", "/healthz", { env: { ROOM_SECRET: "tiny-secret", MAX_BODY_BYTES: "lots" } });
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body).toMatchObject({ type: "/problems/unavailable", status: 503 });
      expect(res.text).not.toContain("tiny-secret");
      expect(errors.join("\n")).toContain('"fields":"MAX_BODY_BYTES,ROOM_SECRET"');
      expect(errors.join("\n")).not.toContain("tiny-secret");
    } finally {
      spy.mockRestore();
    }
  });
});
