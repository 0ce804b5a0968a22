import { createRoute, z } from "@hono/zod-openapi";
import { log } from "../../lib/log.ts";
import { normalizeLivekit } from "../../video/livekit/webhook-normalize.ts";
import { verifyLivekit } from "../../video/livekit/webhook-verify.ts";
import { audit } from "../audit.ts";
import { callerKey, checkRate, rateLimit } from "../middleware/rate-limit.ts";
import { ProgramParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, problems } from "../responses.ts";
import { newRouter } from "../router.ts";

const livekit = createRoute({
  method: "post",
  path: "/v1/webhooks/video/{programId}/livekit",
  operationId: "receiveLivekitWebhook",
  tags: ["webhooks"],
  summary: "LiveKit webhooks: participant joined, left or aborted become presence facts",
  description:
    "Authenticated by LiveKit's signed `Authorization` JWT (HS256 with the API secret) and its `sha256` body claim.",
  security: [],
  // Before the signature is checked, deliveries are counted per sender address, so unsigned junk from
  // one place cannot use up the program's allowance; verified ones are counted per program after.
  middleware: [rateLimit("WEBHOOK_LIMITER", (c) => `livekit:${c.req.param("programId")}:${callerKey(c)}`)],
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

/** Video-platform webhooks: real connect and disconnect times from LiveKit. */
export function videoWebhookRoutes() {
  return newRouter().openapi(livekit, async (c) => {
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
