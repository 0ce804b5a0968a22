import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";
import { copyDocsAssets } from "./scripts/docs-assets.mjs";
import { generateSigningKeys } from "./src/tokens/dev-keys.ts";

// The static assets' Swagger UI is copied from node_modules, not committed: make it for `vitest run` alone too.
copyDocsAssets();

// A throwaway key for the test run; real keys live in `.dev.vars` or `wrangler secret`.
const SIGNING_KEYS = await generateSigningKeys();

// RealtimeKit signs its webhooks with an RSA key it publishes; the tests sign with this one's private half.
const rtkPair = (await crypto.subtle.generateKey(
  { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
  true,
  ["sign", "verify"],
)) as CryptoKeyPair;
const pem = async (kind: "PUBLIC" | "PRIVATE", key: CryptoKey) => {
  const der = Buffer.from(await crypto.subtle.exportKey(kind === "PUBLIC" ? "spki" : "pkcs8", key));
  return `-----BEGIN ${kind} KEY-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END ${kind} KEY-----`;
};

const TEST_SECRETS = {
  SIGNING_KEYS,
  ROOM_SECRET: "test-room-secret",
  LIVEKIT_API_KEY: "test-livekit-key",
  LIVEKIT_API_SECRET: "test-livekit-secret-0123456789abcdef0123456789",
  // Program ids are random per test: calendar tests pass their own WEBHOOK_SECRETS per request.
  WEBHOOK_SECRETS: "{}",
  INTEGRATION_KEY: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
  GOOGLE_API_TOKEN: "test-google-token",
  GRAPH_API_TOKEN: "test-graph-token",
  // The directory's alarm calls these from its own environment: the hosts test/calendar's fakes answer.
  GOOGLE_CALENDAR_API_URL: "https://calendar.fake.test/calendar/v3",
  GRAPH_API_URL: "https://graph.fake.test/v1.0",
  // Daily and RealtimeKit as the rooms see them (their presence comes from webhooks); APIs at fake hosts.
  DAILY_DOMAIN: "clinic",
  DAILY_DOMAIN_ID: "0f3e6c1a-2b4d-4c8e-9a7f-1d2c3b4a5e6f",
  DAILY_API_KEY: "test-daily-api-key-0123456789",
  DAILY_API_URL: "https://daily.fake.test/v1",
  DAILY_WEBHOOK_SECRET: btoa("the Daily webhook secret of tests"),
  REALTIMEKIT_ACCOUNT_ID: "test-account",
  REALTIMEKIT_APP_ID: "test-app",
  REALTIMEKIT_API_TOKEN: "test-realtimekit-token",
  REALTIMEKIT_API_URL: "https://realtimekit.fake.test/client/v4",
  REALTIMEKIT_WEBHOOK_KEY: await pem("PUBLIC", rtkPair.publicKey),
  TEST_REALTIMEKIT_SIGNING_KEY: await pem("PRIVATE", rtkPair.privateKey),
};
// wrangler reads required secrets from the environment (and warns for each one missing).
Object.assign(process.env, TEST_SECRETS);

// wrangler.toml is where the rate limits live; the tests compare the code's Retry-After table with it.
const WRANGLER_RATELIMITS = JSON.stringify(unstable_readConfig({ config: "./wrangler.toml" }).ratelimits);

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: { bindings: { ...TEST_SECRETS, WRANGLER_RATELIMITS } },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**"],
    testTimeout: 30_000,
    // The product logs a JSON line per request; show them only for failing tests.
    silent: "passed-only",
  },
});
