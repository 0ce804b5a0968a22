import { inject } from "vitest";
import type { Role } from "../../schemas/common.ts";
import { mintApiToken } from "../../src/tokens/api-token.ts";
import { loadKeyRing } from "../../src/tokens/keys.ts";

/** What `npm start` printed, as test/e2e/start-output.mjs reads it. */
export interface PrintedDemo {
  base: string;
  programId: string;
  facilitatorId: string;
  dropInSessionId: string;
  consoleUrl: string;
  clients: { clientId: string; track: string; enrollmentId: string | null; inviteUrl: string }[];
  walkthrough: string[];
}

declare module "vitest" {
  export interface ProvidedContext {
    /**
     * Set by global-setup.mjs: where `npm start` answers, the secrets it was started with, what it
     * printed, and its throwaway directory (IOP_DEV_DIR).
     */
    e2e: {
      base: string;
      signingKeys: string;
      issuer: string;
      audience: string;
      demo: PrintedDemo;
      devDir: string;
      /** The local OpenID provider staff sign in through (test/stand-ins/oidc-server.mjs). */
      oidcIssuer: string;
    };
  }
}

export const FACILITATOR = "fac_e2e";
const PROGRAM_ZONE = "America/Los_Angeles";

/** A bearer token the dev server accepts, signed with the throwaway key of this run. */
export async function tokenFor(role: Role, sub: string, program?: string): Promise<string> {
  const { signingKeys, issuer, audience } = inject("e2e");
  const ring = await loadKeyRing(signingKeys);
  return mintApiToken(ring, { sub, roles: [role], program, issuer, audience, now: Math.floor(Date.now() / 1000) });
}

/** Call the running Worker: JSON in, `{ status, body }` out. */
export async function call(method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(inject("e2e").base + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: res.status, body: parsed };
}

async function created(method: string, path: string, token: string, body?: unknown) {
  const res = await call(method, path, token, body);
  if (res.status !== 201) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** `YYYY-MM-DD` a week ago: enrollments and the track start before today in any zone. */
function weekAgo(): string {
  return new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A program with one track of `clients` enrolled clients and a group session of the track, capped
 * at `cap`, starting a few minutes from the real clock (so its join window is open now), led by
 * `fac_e2e`. Returns the ids and the tokens the scenario needs.
 */
export async function seedGroup(opts: {
  clients: number;
  cap: number;
  settings?: Record<string, unknown>;
  /** Display names staff give on the enrollments, by client index (none where absent). */
  names?: (string | undefined)[];
}) {
  const admin = await tokenFor("admin", "adm_e2e");
  const program = await created("POST", "/v1/programs", admin, {
    name: "Program",
    timezone: PROGRAM_ZONE,
    settings: { allowMakeUp: true, ...opts.settings },
  });
  const programId = program.id as string;
  const track = await created("POST", `/v1/programs/${programId}/tracks`, admin, {
    name: "T0",
    days: ["SA"],
    startTime: "06:00",
    endTime: "07:00",
    startsOn: weekAgo(),
    groupCap: 15,
  });
  const clientIds = Array.from({ length: opts.clients }, (_, i) => `clt_e2e_${String(i).padStart(2, "0")}`);
  const enrollmentIds: string[] = [];
  for (const [i, clientId] of clientIds.entries()) {
    const displayName = opts.names?.[i];
    const e = await created("POST", `/v1/programs/${programId}/enrollments`, admin, {
      clientId,
      trackId: track.id,
      startsOn: weekAgo(),
      ...(displayName ? { displayName } : {}),
    });
    enrollmentIds.push(e.id);
  }
  const startsAt = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 5 * 60_000);
  const session = await created("POST", `/v1/programs/${programId}/sessions`, admin, {
    kind: "group",
    trackId: track.id,
    startsAt: startsAt.toISOString().replace(".000Z", "Z"),
    endsAt: new Date(startsAt.getTime() + 60 * 60_000).toISOString().replace(".000Z", "Z"),
    facilitatorIds: [FACILITATOR],
    cap: opts.cap,
  });
  const facilitator = await tokenFor("facilitator", FACILITATOR, programId);
  /** The personal invite link of the i-th client, as staff would send it. */
  const inviteUrl = async (i: number) =>
    (await created("POST", `/v1/enrollments/${enrollmentIds[i]}/invite`, facilitator)).inviteUrl as string;
  return {
    admin,
    programId,
    sessionId: session.id as string,
    startsAt: session.startsAt as string,
    clientIds,
    facilitator,
    inviteUrl,
  };
}
