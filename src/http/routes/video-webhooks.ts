import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { PresenceFact } from "../../../schemas/video/livekit-webhook.ts";
import { log } from "../../lib/log.ts";
import type { VerifyFailure } from "../../lib/verify-result.ts";
import { normalizeDaily } from "../../video/daily/webhook-normalize.ts";
import { isDailyVerificationCheck, verifyDaily } from "../../video/daily/webhook-verify.ts";
import { normalizeLivekit } from "../../video/livekit/webhook-normalize.ts";
import { verifyLivekit } from "../../video/livekit/webhook-verify.ts";
import { normalizeRealtimeKit } from "../../video/realtimekit/webhook-normalize.ts";
import { importRealtimeKitKey, verifyRealtimeKit } from "../../video/realtimekit/webhook-verify.ts";
import { audit } from "../audit.ts";
import { callerKey, checkRate, rateLimit } from "../middleware/rate-limit.ts";
import { ProgramParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import type { AppEnv } from "../types.ts";

const OPERATION = {
  livekit: "receiveLivekitWebhook",
  daily: "receiveDailyWebhook",
  realtimekit: "receiveRealtimeKitWebhook",
};

/**
 * One video platform's presence webhook: no bearer token (the platform's signature is the
 * authentication). Before the signature is checked, deliveries are counted per sender address, so
 * unsigned junk from one place cannot use up the program's allowance; verified ones are counted per
 * program after.
 */
const platformHook = (sender: keyof typeof OPERATION, summary: string, description: string) =>
  createRoute({
    method: "post",
    path: `/v1/webhooks/video/{programId}/${sender}`,
    operationId: OPERATION[sender],
    tags: ["webhooks"],
    summary,
    description,
    security: [],
    middleware: [rateLimit("WEBHOOK_LIMITER", (c) => `${sender}:${c.req.param("programId")}:${callerKey(c)}`)],
    request: { params: ProgramParams },
    responses: {
      429: problems[429],
      200: json(z.object({ accepted: z.number() }), "Facts recorded (repeats are ignored)"),
      400: problems[400],
      401: problems[401],
      404: problems[404],
      413: problems[413],
    },
  });

const livekit = platformHook(
  "livekit",
  "LiveKit webhooks: participant joined, left or aborted become presence facts",
  "Authenticated by LiveKit's signed `Authorization` JWT (HS256 with the API secret) and its `sha256` body claim.",
);
const daily = platformHook(
  "daily",
  "Daily webhooks: participant joined or left and meeting ended become presence facts",
  "Authenticated by `X-Webhook-Signature`: base64 HMAC-SHA256 of `<X-Webhook-Timestamp>.<raw body>` under the " +
    "webhook's base64 secret (`DAILY_WEBHOOK_SECRET`, comma-separated during a rotation), within 5 minutes. " +
    "Daily's check request when the webhook is created is answered 200. Deduplicated on the event `id`.",
);
const realtimekit = platformHook(
  "realtimekit",
  "RealtimeKit webhooks: participant joined or left and meeting ended become presence facts",
  "Authenticated by `rtk-signature`: RSA-SHA256 over the raw body with RealtimeKit's published key " +
    "(`REALTIMEKIT_WEBHOOK_KEY`, PEM; two during a rotation). Deduplicated on a digest of the signed body.",
);

/** The program, or 404; and the platform's webhook credentials, or 404 when this deployment has none. */
async function programOf(c: Context<AppEnv>, programId: string) {
  const dir = c.var.services.directory.program(programId);
  const program = dir ? await dir.getProgram() : null;
  if (!dir || !program) throw new ApiError("not-found", "No such program.");
}

/** A refused delivery: 400 when malformed, 401 when not authentic, the reason only in the log. */
function refused(sender: string, programId: string, v: VerifyFailure): never {
  log("info", `webhook.${sender}.refused`, { programId, reason: v.reason });
  if (v.status === 400) throw new ApiError("invalid-request", "The webhook is malformed.");
  throw new ApiError("unauthorized", "The webhook signature is not valid.");
}

/** Hand verified facts to the rooms (the same presence model as LiveKit's) and record the delivery. */
async function accept(c: Context<AppEnv>, sender: string, programId: string, facts: readonly PresenceFact[]) {
  await checkRate(c, "WEBHOOK_LIMITER", () => `${sender}-verified:${programId}`);
  const accepted = await c.var.services.gateway.presence(programId, facts);
  await audit(c, programId, [
    { actor: sender, action: `webhook.${sender}`, object: programId, outcome: `accepted:${accepted}` },
  ]);
  log("info", `webhook.${sender}.accepted`, { programId, facts: facts.length, accepted });
  return c.json({ accepted }, 200);
}

const pemKeys = (raw: string) =>
  raw
    .split(/(?<=-----END PUBLIC KEY-----)/)
    .map((k) => k.trim())
    .filter((k) => k.length > 0);

/** Video-platform webhooks: real connect and disconnect times from LiveKit, Daily and RealtimeKit. */
export function videoWebhookRoutes() {
  return newRouter()
    .openapi(daily, async (c) => {
      const { programId } = c.req.valid("param");
      await programOf(c, programId);
      const secrets = (c.var.services.config.daily?.webhookSecrets ?? "").split(",").map((s) => s.trim());
      if (!secrets.some(Boolean)) throw new ApiError("not-found", "Daily webhooks are not configured.");
      const rawBody = new Uint8Array(await c.req.arrayBuffer());
      // Daily checks a new webhook URL with an unsigned request before it sends anything: it wants a 200.
      if (isDailyVerificationCheck(rawBody)) return c.json({ accepted: 0 }, 200);
      const headers = c.req.raw.headers;
      const verified = await verifyDaily({
        rawBody,
        headers,
        secrets: secrets.filter(Boolean),
        now: c.var.services.clock.now(),
      });
      if (!verified.ok) refused("daily", programId, verified);
      const normalized = normalizeDaily(verified.payload);
      if (!normalized.ok) throw new ApiError("invalid-request", "The webhook payload is not a Daily event.");
      return accept(c, "daily", programId, normalized.facts);
    })
    .openapi(realtimekit, async (c) => {
      const { programId } = c.req.valid("param");
      await programOf(c, programId);
      const pems = pemKeys(c.var.services.config.realtimekit?.webhookKeys ?? "");
      const keys = (await Promise.all(pems.map(importRealtimeKitKey))).filter((k): k is CryptoKey => k !== null);
      if (keys.length === 0) throw new ApiError("not-found", "RealtimeKit webhooks are not configured.");
      const rawBody = new Uint8Array(await c.req.arrayBuffer());
      const verified = await verifyRealtimeKit({ rawBody, headers: c.req.raw.headers, keys });
      if (!verified.ok) refused("realtimekit", programId, verified);
      const normalized = normalizeRealtimeKit(verified.payload, verified.deliveryId);
      if (!normalized.ok) throw new ApiError("invalid-request", "The webhook payload is not a RealtimeKit event.");
      return accept(c, "realtimekit", programId, normalized.facts);
    })
    .openapi(livekit, async (c) => {
      const { programId } = c.req.valid("param");
      const { services } = c.var;
      const dir = services.directory.program(programId);
      const program = dir ? await dir.getProgram() : null;
      if (!dir || !program) throw new ApiError("not-found", "No such program.");
      const livekit = services.config.livekit;
      if (!livekit) throw new ApiError("not-found", "LiveKit is not configured.");
      const rawBody = new Uint8Array(await c.req.arrayBuffer());
      const now = services.clock.now();
      const verified = await verifyLivekit({ rawBody, headers: c.req.raw.headers, keys: [livekit], now });
      if (!verified.ok) {
        log("info", "webhook.livekit.refused", { programId, reason: verified.reason });
        if (verified.status === 400) throw new ApiError("invalid-request", "The webhook is malformed.");
        throw new ApiError("unauthorized", "The webhook signature is not valid.");
      }
      await checkRate(c, "WEBHOOK_LIMITER", () => `livekit-verified:${programId}`);
      const normalized = normalizeLivekit(verified.payload);
      if (!normalized.ok) throw new ApiError("invalid-request", "The webhook payload is not a LiveKit event.");
      const accepted = await services.gateway.presence(programId, normalized.facts);
      await audit(c, programId, [
        { actor: "livekit", action: "webhook.livekit", object: programId, outcome: `accepted:${accepted}` },
      ]);
      log("info", "webhook.livekit.accepted", {
        programId,
        facts: normalized.facts.length,
        accepted,
        deliveryId: verified.deliveryId,
      });
      return c.json({ accepted }, 200);
    });
}
