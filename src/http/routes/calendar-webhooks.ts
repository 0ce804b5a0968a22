import { createRoute, z } from "@hono/zod-openapi";
import { CalendarSource } from "../../../schemas/calendar/change.ts";
import { WebhookReceipt } from "../../../schemas/calendar/integration.ts";
import { webhookSecrets } from "../../calendar/legacy-secrets.ts";
import { callerKey, rateLimit } from "../middleware/rate-limit.ts";
import { ProgramParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, problems } from "../responses.ts";
import { newRouter } from "../router.ts";

const WebhookParams = ProgramParams.extend({
  source: z.string().meta({ description: "standard, calcom, calendly, google or microsoft", example: "calcom" }),
});

const receive = createRoute({
  method: "post",
  path: "/v1/webhooks/calendar/{programId}/{source}",
  operationId: "receiveCalendarWebhook",
  tags: ["webhooks"],
  summary: "Bookings, moves and cancellations from a calendar system",
  description:
    "No bearer token: each source's signature is the authentication (Standard Webhooks, X-Cal-Signature-256, " +
    "Calendly-Webhook-Signature, Graph clientState, X-Goog-Channel-Token), checked over the raw body before it is " +
    "parsed. Graph's subscription handshake (`?validationToken=`) is echoed as text/plain. Deliveries are deduplicated " +
    "and applied in order of their own versions; the answer comes once the effect is stored. See docs/calendar.md.",
  security: [],
  // Counted per sender address too: unsigned junk from one place cannot use up a program's allowance.
  middleware: [
    rateLimit(
      "WEBHOOK_LIMITER",
      (c) => `calendar:${c.req.param("programId")}:${c.req.param("source")}:${callerKey(c)}`,
    ),
  ],
  request: { params: WebhookParams },
  responses: {
    200: {
      description: "Applied, a duplicate, or knowingly ignored; or, for Graph's handshake, the validation token",
      content: { "application/json": { schema: WebhookReceipt }, "text/plain": { schema: z.string() } },
    },
    202: json(WebhookReceipt, "Graph and Google: accepted; the changed events are fetched afterwards"),
    400: problems[400],
    401: { ...problems[401], description: "The delivery could not be verified" },
    404: problems[404],
    413: problems[413],
    415: problems[415],
    429: problems[429],
    503: problems[503],
  },
});

/** `POST /v1/webhooks/calendar/{programId}/{source}`: the calendar systems' door, authenticated by signature. */
export function calendarWebhookRoutes() {
  return newRouter().openapi(receive, async (c) => {
    const { programId, source } = c.req.valid("param");
    const { services } = c.var;
    const dir = services.directory.program(programId);
    if (!dir) throw new ApiError("not-found", "No such webhook.");
    // One call to the program's directory, which verifies, normalises and applies (ingest-webhook.ts).
    const known = CalendarSource.safeParse(source);
    const result = await dir.receiveCalendarWebhook(
      {
        source,
        url: c.req.url,
        headers: [...c.req.raw.headers],
        body: new Uint8Array(await c.req.arrayBuffer()),
        fallbackSecrets: known.success ? webhookSecrets(services.config.webhookSecrets, programId, known.data) : [],
      },
      services.clock.now(),
      c.var.requestId,
    );
    if (!result.ok) throw new ApiError(result.problem, result.detail);
    if ("echo" in result) {
      // Graph's handshake: the token exactly as Graph sent it, never rendered as HTML.
      return c.text(result.echo, 200, { "x-content-type-options": "nosniff" });
    }
    return c.json(result.receipt, result.status);
  });
}
