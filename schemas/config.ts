import { z } from "zod";

/**
 * The Worker's own configuration: the `[vars]` of wrangler.toml and the secrets, parsed once per
 * environment (src/lib/config.ts). Bindings (Durable Objects, KV, rate limiters) are not here:
 * wrangler types them. An optional value that is absent or empty is simply not configured.
 */

/** An optional text: absent and "" both mean "not configured". */
const Optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const Required = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`);

/** A comma-separated list; blanks dropped. */
const List = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** An optional http(s) URL without its trailing slashes, so paths join cleanly. */
const OptionalHttpUrl = Optional.pipe(
  z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .transform((u) => u.replace(/\/+$/, ""))
    .optional(),
);

/** An optional https URL without its trailing slashes (Cloudflare Access team domains are https only). */
const OptionalHttpsUrl = Optional.pipe(
  z
    .url({ protocol: /^https$/, error: "must be an https URL" })
    .transform((u) => u.replace(/\/+$/, ""))
    .optional(),
);

/** The name of a claim that carries roles or the program, read from the provider's tokens at sign-in. */
const ClaimName = (fallback: string) =>
  Optional.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_.:/-]{1,100}$/)
      .default(fallback),
  );

const LogLevel = z.enum(["info", "warn", "error"]);

/** The raw environment as wrangler hands it over (every var and secret is text). */
export const WorkerEnv = z.object({
  TOKEN_ISSUER: Required("TOKEN_ISSUER"),
  TOKEN_AUDIENCE: Required("TOKEN_AUDIENCE"),
  JOIN_AUDIENCE: Required("JOIN_AUDIENCE"),
  AUTH_ISSUER: Optional,
  AUTH_AUDIENCE: Optional,
  AUTH_JWKS_URL: Optional.pipe(z.url().optional()),
  AUTH_CLIENT_ID: Optional,
  AUTH_CLIENT_SECRET: Optional,
  AUTH_ROLES_CLAIM: ClaimName("roles"),
  AUTH_PROGRAM_CLAIM: ClaimName("program"),
  ACCESS_TEAM_DOMAIN: OptionalHttpsUrl,
  ACCESS_AUD: Optional,
  CORS_ORIGINS: List,
  MAX_BODY_BYTES: Optional.pipe(
    z.coerce
      .number<string | undefined>()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(256 * 1024),
  ),
  MAX_TOKEN_LIFETIME: Optional.pipe(
    z.coerce
      .number<string | undefined>()
      .int()
      .min(300)
      .max(24 * 3600)
      .default(12 * 3600),
  ),
  LOG_LEVEL: Optional.pipe(LogLevel.default("info")),
  DEV_SIGN_IN: Optional,
  GOOGLE_CALENDAR_API_URL: Optional.pipe(z.url().default("https://www.googleapis.com/calendar/v3")),
  GRAPH_API_URL: Optional.pipe(z.url().default("https://graph.microsoft.com/v1.0")),
  SIGNING_KEYS: Required("SIGNING_KEYS"),
  ROOM_SECRET: Required("ROOM_SECRET").pipe(z.string().min(16, "ROOM_SECRET must hold at least 16 characters")),
  LIVEKIT_API_KEY: Optional,
  LIVEKIT_API_SECRET: Optional,
  LIVEKIT_URL: OptionalHttpUrl,
  WEBHOOK_SECRETS: Optional.transform((v) => v ?? "{}"),
  /** 32 bytes, base64: encrypts the integration secrets an admin sets through the API (AES-256-GCM). */
  INTEGRATION_KEY: Optional,
  GOOGLE_API_TOKEN: Optional,
  GRAPH_API_TOKEN: Optional,
  /** 8x8 Jitsi as a Service: the tenant (`vpaas-magic-cookie-…`), the API key id (`<tenant>/<id>`), its RSA private key (PKCS#8 PEM). */
  JAAS_APP_ID: Optional,
  JAAS_KID: Optional,
  JAAS_PRIVATE_KEY: Optional,
  /** Daily: the domain (`<domain>.daily.co`), its API key (signs meeting tokens, calls the REST API), its webhook HMAC secret. */
  DAILY_DOMAIN: Optional,
  /** Daily's `domain_id` (a UUID, from `GET /` of its REST API): self-signed meeting tokens carry it as `d`. */
  DAILY_DOMAIN_ID: Optional,
  DAILY_API_KEY: Optional,
  DAILY_WEBHOOK_SECRET: Optional,
  DAILY_API_URL: Optional.pipe(z.url().default("https://api.daily.co/v1")),
  /** Zoom Video SDK: the SDK key and secret. */
  ZOOM_SDK_KEY: Optional,
  ZOOM_SDK_SECRET: Optional,
  /** Cloudflare RealtimeKit: the account, the app, an API token with RealtimeKit rights, its webhooks' public key(s) (PEM). */
  REALTIMEKIT_ACCOUNT_ID: Optional,
  REALTIMEKIT_APP_ID: Optional,
  REALTIMEKIT_API_TOKEN: Optional,
  REALTIMEKIT_WEBHOOK_KEY: Optional,
  REALTIMEKIT_API_URL: Optional.pipe(z.url().default("https://api.cloudflare.com/client/v4")),
});

/** The configuration the product reads, grouped by what uses it. */
export const WorkerConfig = WorkerEnv.transform((e) => ({
  tokens: { issuer: e.TOKEN_ISSUER, audience: e.TOKEN_AUDIENCE, joinAudience: e.JOIN_AUDIENCE },
  signingKeys: e.SIGNING_KEYS,
  roomSecret: e.ROOM_SECRET,
  /** Trusted as well as the product's own keys, when all three are set. */
  externalIssuer:
    e.AUTH_ISSUER && e.AUTH_AUDIENCE && e.AUTH_JWKS_URL
      ? { issuer: e.AUTH_ISSUER, audience: e.AUTH_AUDIENCE, jwksUrl: e.AUTH_JWKS_URL }
      : undefined,
  /**
   * How staff sign in to the console (src/auth/): the clinic's OpenID provider (authorization code
   * with PKCE against `AUTH_ISSUER`, when `AUTH_CLIENT_ID` is set), Cloudflare Access (when its team
   * domain and AUD tag are set), and which claims carry roles and the program.
   */
  staffSignIn: {
    oidc:
      e.AUTH_ISSUER && e.AUTH_CLIENT_ID
        ? { issuer: e.AUTH_ISSUER, clientId: e.AUTH_CLIENT_ID, clientSecret: e.AUTH_CLIENT_SECRET }
        : undefined,
    access:
      e.ACCESS_TEAM_DOMAIN && e.ACCESS_AUD ? { teamDomain: e.ACCESS_TEAM_DOMAIN, audience: e.ACCESS_AUD } : undefined,
    claims: { roles: e.AUTH_ROLES_CLAIM, program: e.AUTH_PROGRAM_CLAIM },
  },
  corsOrigins: e.CORS_ORIGINS,
  maxBodyBytes: e.MAX_BODY_BYTES,
  /** The longest lifetime (`exp − iat`, seconds) a bearer token may claim; minted ones are capped to it. */
  maxTokenLifetime: e.MAX_TOKEN_LIFETIME,
  logLevel: e.LOG_LEVEL,
  /** One-time console sign-in codes: only where `DEV_SIGN_IN` is exactly `on` (local development). */
  devSignIn: e.DEV_SIGN_IN === "on",
  /** LiveKit's API key and secret, when both are set; `url` (its server API) only when `LIVEKIT_URL` is. */
  livekit:
    e.LIVEKIT_API_KEY && e.LIVEKIT_API_SECRET
      ? { apiKey: e.LIVEKIT_API_KEY, apiSecret: e.LIVEKIT_API_SECRET, ...(e.LIVEKIT_URL ? { url: e.LIVEKIT_URL } : {}) }
      : undefined,
  webhookSecrets: e.WEBHOOK_SECRETS,
  integrationKey: e.INTEGRATION_KEY,
  google: { baseUrl: e.GOOGLE_CALENDAR_API_URL, accessToken: e.GOOGLE_API_TOKEN },
  graph: { baseUrl: e.GRAPH_API_URL, accessToken: e.GRAPH_API_TOKEN },
  /** Each video platform's credentials, present only when all it needs is set (docs/providers.md). */
  jaas:
    e.JAAS_APP_ID && e.JAAS_KID && e.JAAS_PRIVATE_KEY
      ? { appId: e.JAAS_APP_ID, kid: e.JAAS_KID, privateKeyPem: e.JAAS_PRIVATE_KEY }
      : undefined,
  daily:
    e.DAILY_DOMAIN && e.DAILY_DOMAIN_ID && e.DAILY_API_KEY
      ? {
          domain: e.DAILY_DOMAIN,
          domainId: e.DAILY_DOMAIN_ID,
          apiKey: e.DAILY_API_KEY,
          apiUrl: e.DAILY_API_URL,
          webhookSecrets: e.DAILY_WEBHOOK_SECRET,
        }
      : undefined,
  zoom: e.ZOOM_SDK_KEY && e.ZOOM_SDK_SECRET ? { sdkKey: e.ZOOM_SDK_KEY, sdkSecret: e.ZOOM_SDK_SECRET } : undefined,
  realtimekit:
    e.REALTIMEKIT_ACCOUNT_ID && e.REALTIMEKIT_APP_ID && e.REALTIMEKIT_API_TOKEN
      ? {
          accountId: e.REALTIMEKIT_ACCOUNT_ID,
          appId: e.REALTIMEKIT_APP_ID,
          apiToken: e.REALTIMEKIT_API_TOKEN,
          apiUrl: e.REALTIMEKIT_API_URL,
          webhookKeys: e.REALTIMEKIT_WEBHOOK_KEY,
        }
      : undefined,
}));
export type WorkerConfig = z.infer<typeof WorkerConfig>;
