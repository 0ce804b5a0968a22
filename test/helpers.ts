import { env } from "cloudflare:workers";
import type { Role } from "../schemas/common.ts";
import { createApp } from "../src/http/app.ts";
import { type Clock, manualClock } from "../src/lib/clock.ts";
import { mintApiToken } from "../src/tokens/api-token.ts";
import { loadKeyRing } from "../src/tokens/keys.ts";

/** A test harness: the real app over the real bindings, with a clock the test controls. */
export function harness(start: string | number = Date.now()) {
  const clock = manualClock(start);
  const app = createApp({ clock });
  return {
    app,
    clock,
    call: caller(app, clock),
    token: (r: Role, sub: string, program?: string) => token(clock, r, sub, program),
  };
}

export type Call = ReturnType<typeof caller>;

/** Call the app like an HTTP client: JSON in, `{ status, body, headers }` out. */
export function caller(app: ReturnType<typeof createApp>, _clock: Clock) {
  return async (
    method: string,
    path: string,
    opts: {
      token?: string;
      body?: unknown;
      headers?: Record<string, string>;
      raw?: BodyInit;
      env?: Partial<Env>;
    } = {},
  ) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: BodyInit | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await app.request(path, { method, headers, body }, { ...env, ...opts.env });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
    return { status: res.status, body: parsed as any, text, headers: res.headers };
  };
}

/** A bearer token from the product's own key, as `npm run token` mints. */
export async function token(clock: Clock, role: Role, sub: string, program?: string): Promise<string> {
  const ring = await loadKeyRing(env.SIGNING_KEYS);
  return mintApiToken(ring, {
    sub,
    roles: [role],
    program,
    issuer: env.TOKEN_ISSUER,
    audience: env.TOKEN_AUDIENCE,
    now: Math.floor(clock.now() / 1000),
  });
}

/** Create a program as an unscoped admin and return its id. */
export async function createProgram(call: Call, adminToken: string, body: Record<string, unknown> = {}) {
  const res = await call("POST", "/v1/programs", {
    token: adminToken,
    body: { name: "Program", timezone: "America/Los_Angeles", ...body },
  });
  if (res.status !== 201) throw new Error(`program not created: ${res.status} ${res.text}`);
  return res.body.id as string;
}
