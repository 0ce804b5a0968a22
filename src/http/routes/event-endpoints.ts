import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  EventDeliveryQuery,
  EventDeliveryView,
  EventEndpointCreate,
  EventEndpointCreated,
  EventEndpointPatch,
  EventEndpointView,
  EventSecretRotate,
} from "../../../schemas/events.ts";
import { fingerprint, generatedSecret, integrationKey, seal } from "../../calendar/secret-crypto.ts";
import { type SealedSecret, secretPlace } from "../../events/relay.ts";
import { newChildId } from "../../lib/ids.ts";
import { audit } from "../audit.ts";
import { directoryOf } from "../directory.ts";
import { secured } from "../middleware/auth.ts";
import { ProgramParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, jsonBody, problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import type { AppEnv } from "../types.ts";
import { unwrap } from "../unwrap.ts";

const BASE = "/v1/programs/{programId}/event-endpoints";
const MAX_OVERLAP_MS = 7 * 86_400_000;
const EndpointParams = ProgramParams.extend({
  endpointId: z
    .string()
    .regex(/^evp_[0-9a-z]{40}$/)
    .meta({ description: "The endpoint's id", example: "evp_4k9d2m7q1x8c3v5b0a1b2c3d4e5f6g7h8j9k0m1n" }),
});
const admin = secured(["admin"], "program");
const notFound = { 401: problems[401], 403: problems[403], 404: problems[404] };
const noKey = { ...problems[503], description: "INTEGRATION_KEY is not set: signing secrets cannot be kept encrypted" };

const create = createRoute({
  method: "post",
  path: BASE,
  operationId: "createEventEndpoint",
  tags: ["events"],
  summary: "Register an endpoint for signed events (Standard Webhooks); its signing secret is shown once",
  ...admin,
  request: { params: ProgramParams, ...jsonBody(EventEndpointCreate) },
  responses: {
    201: json(EventEndpointCreated, "The endpoint and its secret"),
    400: problems[400],
    ...notFound,
    503: noKey,
  },
});
const list = createRoute({
  method: "get",
  path: BASE,
  operationId: "listEventEndpoints",
  tags: ["events"],
  summary: "The program's event endpoints: status (disabled ones say why), secrets by fingerprint, delivery counts",
  ...admin,
  request: { params: ProgramParams },
  responses: { 200: json(z.object({ endpoints: z.array(EventEndpointView) }), "Endpoints"), ...notFound },
});
const read = createRoute({
  method: "get",
  path: `${BASE}/{endpointId}`,
  operationId: "getEventEndpoint",
  tags: ["events"],
  summary: "One event endpoint",
  ...admin,
  request: { params: EndpointParams },
  responses: { 200: json(EventEndpointView, "The endpoint"), ...notFound },
});
const patch = createRoute({
  method: "patch",
  path: `${BASE}/{endpointId}`,
  operationId: "updateEventEndpoint",
  tags: ["events"],
  summary: "Change an endpoint's URL or events, or disable it / enable it again (held and failed deliveries are sent)",
  ...admin,
  request: { params: EndpointParams, ...jsonBody(EventEndpointPatch) },
  responses: { 200: json(EventEndpointView, "The endpoint"), 400: problems[400], ...notFound },
});
const remove = createRoute({
  method: "delete",
  path: `${BASE}/{endpointId}`,
  operationId: "deleteEventEndpoint",
  tags: ["events"],
  summary: "Remove an endpoint and its delivery log; nothing more is sent to it",
  ...admin,
  request: { params: EndpointParams },
  responses: { 204: { description: "Removed" }, ...notFound },
});
const rotate = createRoute({
  method: "post",
  path: `${BASE}/{endpointId}/secret`,
  operationId: "rotateEventEndpointSecret",
  tags: ["events"],
  summary: "A new signing secret, shown once; during the overlap every delivery carries both signatures",
  ...admin,
  request: { params: EndpointParams, ...jsonBody(EventSecretRotate) },
  responses: {
    201: json(EventEndpointCreated, "The endpoint and its new secret"),
    400: problems[400],
    ...notFound,
    503: noKey,
  },
});
const retry = createRoute({
  method: "post",
  path: `${BASE}/{endpointId}/retry`,
  operationId: "retryEventDeliveries",
  tags: ["events"],
  summary: "Send every failed delivery of the endpoint again, now",
  ...admin,
  request: { params: EndpointParams },
  responses: { 202: json(z.object({ requeued: z.number().int() }), "Queued again"), ...notFound, 409: problems[409] },
});
const deliveries = createRoute({
  method: "get",
  path: `${BASE}/{endpointId}/deliveries`,
  operationId: "listEventDeliveries",
  tags: ["events"],
  summary: "The endpoint's delivery log, newest first: status, attempts, next attempt, last error (30 days)",
  ...admin,
  request: { params: EndpointParams, query: EventDeliveryQuery },
  responses: {
    200: json(z.object({ deliveries: z.array(EventDeliveryView) }), "Deliveries"),
    400: problems[400],
    ...notFound,
  },
});

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https, or http to this machine only (local development: a deployed Worker cannot reach it anyway). */
function checkUrl(raw: string | undefined): void {
  if (raw === undefined) return;
  const url = new URL(raw);
  const problem = (message: string) =>
    new ApiError("invalid-request", "The endpoint URL is not allowed.", { errors: [{ path: "url", message }] });
  if (url.username || url.password) throw problem("no credentials in the URL: verify the signature instead");
  if (url.protocol === "http:" && !LOOPBACK.has(url.hostname)) throw problem("https only (http only to localhost)");
  if (url.hash) throw problem("no fragment");
}

/** A new whsec_ secret, sealed for the relay (the Durable Object stores only its ciphertext). */
async function newSecret(c: Context<AppEnv>, programId: string): Promise<{ secret: string; sealed: SealedSecret }> {
  const key = await integrationKey(c.var.services.config.integrationKey);
  if (!key) throw new ApiError("unavailable", "Signing secrets cannot be stored here: INTEGRATION_KEY is not set.");
  const secret = generatedSecret("standard") as string;
  const id = newChildId("esk", programId);
  const sealed = await seal(key, secret, secretPlace(programId, id));
  return { secret, sealed: { id, ...sealed, fingerprint: await fingerprint(secret) } };
}

/** The program's relay, once the program is known to exist. */
async function relayOf(c: Context<AppEnv>, programId: string) {
  if (!(await directoryOf(c, programId).getProgram())) throw new ApiError("not-found", "No such program.");
  return c.env.EVENTS.getByName(programId);
}

/** Outbound events to the clinic's systems: endpoints, secrets and the delivery log (docs/events.md). */
export function eventEndpointRoutes() {
  return newRouter()
    .openapi(create, async (c) => {
      const { programId } = c.req.valid("param");
      const body = c.req.valid("json");
      checkUrl(body.url);
      const relay = await relayOf(c, programId);
      const { secret, sealed } = await newSecret(c, programId);
      const id = newChildId("evp", programId);
      const endpoint = await relay.createEndpoint(programId, id, body, sealed, c.var.services.clock.now());
      await audit(c, programId, [
        { action: "events.endpoint-create", object: id, outcome: `events:${endpoint.events.length}` },
      ]);
      return c.json({ ...endpoint, secret }, 201);
    })
    .openapi(list, async (c) => {
      const { programId } = c.req.valid("param");
      const endpoints = await (await relayOf(c, programId)).listEndpoints(c.var.services.clock.now());
      await audit(c, programId, [{ action: "events.endpoint-list", object: programId, outcome: "ok" }]);
      return c.json({ endpoints }, 200);
    })
    .openapi(read, async (c) => {
      const { programId, endpointId } = c.req.valid("param");
      const { endpoint } = unwrap(
        await (await relayOf(c, programId)).getEndpoint(endpointId, c.var.services.clock.now()),
      );
      await audit(c, programId, [{ action: "events.endpoint-read", object: endpointId, outcome: "ok" }]);
      return c.json(endpoint, 200);
    })
    .openapi(patch, async (c) => {
      const { programId, endpointId } = c.req.valid("param");
      const body = c.req.valid("json");
      checkUrl(body.url);
      const relay = await relayOf(c, programId);
      const { endpoint, requeued } = unwrap(await relay.updateEndpoint(endpointId, body, c.var.services.clock.now()));
      const outcome = `${Object.keys(body).sort().join(",")}${requeued ? `:requeued:${requeued}` : ""}`;
      await audit(c, programId, [{ action: "events.endpoint-update", object: endpointId, outcome }]);
      return c.json(endpoint, 200);
    })
    .openapi(remove, async (c) => {
      const { programId, endpointId } = c.req.valid("param");
      unwrap(await (await relayOf(c, programId)).deleteEndpoint(endpointId));
      await audit(c, programId, [{ action: "events.endpoint-delete", object: endpointId, outcome: "ok" }]);
      return c.body(null, 204);
    })
    .openapi(rotate, async (c) => {
      const { programId, endpointId } = c.req.valid("param");
      const now = c.var.services.clock.now();
      const until = c.req.valid("json").overlapUntil;
      const overlapUntil = until ? Date.parse(until) : null;
      if (overlapUntil !== null && (overlapUntil <= now || overlapUntil > now + MAX_OVERLAP_MS)) {
        throw new ApiError("invalid-request", "The overlap must end within the next 7 days.", {
          errors: [{ path: "overlapUntil", message: "after now, at most 7 days ahead" }],
        });
      }
      const relay = await relayOf(c, programId);
      const { secret, sealed } = await newSecret(c, programId);
      const { endpoint } = unwrap(await relay.rotateSecret(endpointId, sealed, overlapUntil, now));
      await audit(c, programId, [{ action: "events.secret-rotate", object: endpointId, outcome: sealed.fingerprint }]);
      return c.json({ ...endpoint, secret }, 201);
    })
    .openapi(retry, async (c) => {
      const { programId, endpointId } = c.req.valid("param");
      const relay = await relayOf(c, programId);
      const { requeued } = unwrap(await relay.retryFailed(endpointId, c.var.services.clock.now()));
      await audit(c, programId, [{ action: "events.retry", object: endpointId, outcome: `requeued:${requeued}` }]);
      return c.json({ requeued }, 202);
    })
    .openapi(deliveries, async (c) => {
      const { programId, endpointId } = c.req.valid("param");
      const { status, limit } = c.req.valid("query");
      const log = unwrap(await (await relayOf(c, programId)).deliveries(endpointId, status, limit));
      await audit(c, programId, [{ action: "events.deliveries-read", object: endpointId, outcome: "ok" }]);
      return c.json({ deliveries: log.deliveries }, 200);
    });
}
