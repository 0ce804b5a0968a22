// The optional secrets, as the test run sets them (vitest.config.ts). `wrangler types` lists only
// the required ones; the product reads all of them through schemas/config.ts, never as typed fields.
interface OptionalSecrets {
  LIVEKIT_API_KEY: string;
  LIVEKIT_API_SECRET: string;
  WEBHOOK_SECRETS: string;
  INTEGRATION_KEY: string;
  GOOGLE_API_TOKEN: string;
  GRAPH_API_TOKEN: string;
  DAILY_API_KEY: string;
  DAILY_WEBHOOK_SECRET: string;
  REALTIMEKIT_API_TOKEN: string;
  REALTIMEKIT_WEBHOOK_KEY: string;
  /** The private half of REALTIMEKIT_WEBHOOK_KEY, so tests sign as RealtimeKit does. */
  TEST_REALTIMEKIT_SIGNING_KEY: string;
  /** wrangler.toml's [[ratelimits]] as JSON, for the rate-limit test. */
  WRANGLER_RATELIMITS: string;
}
interface Env extends OptionalSecrets {}
declare namespace Cloudflare {
  interface Env extends OptionalSecrets {}
}
