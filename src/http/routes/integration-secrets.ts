import { createRoute, z } from "@hono/zod-openapi";
import type { CalendarSource } from "../../../schemas/calendar/change.ts";
import {
  IntegrationSecretCreate,
  IntegrationSecretCreated,
  IntegrationSecretList,
} from "../../../schemas/integration-secrets.ts";
import type { SecretView } from "../../calendar/integration-secrets.ts";
import { fingerprint, generatedSecret, integrationKey, seal } from "../../calendar/secret-crypto.ts";
import { isoInstant } from "../../lib/clock.ts";
import { newChildId } from "../../lib/ids.ts";
import { auditCall } from "../audit.ts";
import { directoryOf } from "../directory.ts";
import { secured } from "../middleware/auth.ts";
import { ProgramParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, jsonBody, problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import { unwrap } from "../unwrap.ts";

const BASE = "/v1/programs/{programId}/integrations/calendar";
const MAX_OVERLAP_MS = 30 * 86_400_000;
const SecretParams = ProgramParams.extend({
  secretId: z.string().max(64).meta({ description: "The secret's id (from the list)", example: "sec_7f3k2p9d" }),
});

const create = createRoute({
  method: "post",
  path: `${BASE}/secrets`,
  operationId: "addIntegrationSecret",
  tags: ["integrations"],
  summary: "Turn a calendar source on (or rotate its secret): takes effect at once, shown once",
  ...secured(["admin"], "program"),
  request: { params: ProgramParams, ...jsonBody(IntegrationSecretCreate) },
  responses: {
    201: json(IntegrationSecretCreated, "The secret, this once, and where the sender delivers"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
    503: { ...problems[503], description: "INTEGRATION_KEY is not set: secrets cannot be kept encrypted" },
  },
});

const list = createRoute({
  method: "get",
  path: `${BASE}/secrets`,
  operationId: "listIntegrationSecrets",
  tags: ["integrations"],
  summary: "The program's calendar secrets, by fingerprint (never the secrets)",
  ...secured(["admin"], "program"),
  request: { params: ProgramParams },
  responses: {
    200: json(IntegrationSecretList, "Secrets"),
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

const revoke = createRoute({
  method: "delete",
  path: `${BASE}/secrets/{secretId}`,
  operationId: "revokeIntegrationSecret",
  tags: ["integrations"],
  summary: "Stop accepting a secret now",
  ...secured(["admin"], "program"),
  request: { params: SecretParams },
  responses: { 204: { description: "Revoked" }, 401: problems[401], 403: problems[403], 404: problems[404] },
});

const shown = (v: SecretView) => ({
  ...v,
  source: v.source as CalendarSource,
  createdAt: isoInstant(v.createdAt),
  expiresAt: v.expiresAt === null ? null : isoInstant(v.expiresAt),
});

/** Calendar sources a clinic switches on by itself: secrets through the API, encrypted at rest (docs/calendar.md). */
export function integrationSecretRoutes() {
  return newRouter()
    .openapi(create, async (c) => {
      const { programId } = c.req.valid("param");
      const body = c.req.valid("json");
      const { source } = body;
      const { services } = c.var;
      const now = services.clock.now();
      const key = await integrationKey(services.config.integrationKey);
      if (!key) throw new ApiError("unavailable", "Secrets cannot be stored here: INTEGRATION_KEY is not set.");
      const secret = body.secret ?? generatedSecret(source);
      if (!secret) {
        throw new ApiError("invalid-request", "Paste the signing key the sender issued.", {
          errors: [{ path: "secret", message: `${source} issues its own secret: send it` }],
        });
      }
      const until = body.replacesUntil ? Date.parse(body.replacesUntil) : null;
      if (until !== null && (until <= now || until > now + MAX_OVERLAP_MS)) {
        throw new ApiError("invalid-request", "The overlap must end within the next 30 days.", {
          errors: [{ path: "replacesUntil", message: "after now, at most 30 days ahead" }],
        });
      }
      const id = newChildId("sec", programId);
      const sealed = await seal(key, secret, { programId, source, id });
      const row = { id, source, ...sealed, fingerprint: await fingerprint(secret), createdAt: now, expiresAt: null };
      const op = { kind: "add" as const, row, replacesUntil: until };
      const { secrets } = unwrap(await directoryOf(c, programId).integrationSecrets(op, now, auditCall(c)));
      const mine = secrets.find((s) => s.id === id) as SecretView;
      const webhookUrl = `${new URL(c.req.url).origin}/v1/webhooks/calendar/${programId}/${source}`;
      return c.json({ ...shown(mine), secret, webhookUrl }, 201);
    })
    .openapi(list, async (c) => {
      const { programId } = c.req.valid("param");
      const now = c.var.services.clock.now();
      const { secrets } = unwrap(
        await directoryOf(c, programId).integrationSecrets({ kind: "list" }, now, auditCall(c)),
      );
      return c.json({ secrets: secrets.map(shown) }, 200);
    })
    .openapi(revoke, async (c) => {
      const { programId, secretId } = c.req.valid("param");
      const now = c.var.services.clock.now();
      unwrap(await directoryOf(c, programId).integrationSecrets({ kind: "revoke", id: secretId }, now, auditCall(c)));
      return c.body(null, 204);
    });
}
