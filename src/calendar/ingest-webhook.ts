import { CalendarSource } from "../../schemas/calendar/change.ts";
import type { WebhookReceipt } from "../../schemas/calendar/integration.ts";
import type { DirectoryClient } from "../directory/client.ts";
import { log } from "../lib/log.ts";
import { isJsonMediaType } from "../lib/media-type.ts";
import { rebindRooms } from "../rooms/rebind.ts";
import { webhookSecrets } from "./legacy-secrets.ts";
import { graphValidationResponse } from "./providers/microsoft/verify.ts";
import { verifyDelivery } from "./read-delivery.ts";
import { openSecrets } from "./secret-crypto.ts";
import type { WorkFilter } from "./stores/work-store.ts";

/** A calendar webhook request as the route hands it over; the body is read once, only when needed. */
export interface WebhookRequest {
  programId: string;
  source: string;
  url: URL;
  headers: Headers;
  body: () => Promise<Uint8Array>;
}

/** What receiving needs: the secrets, the program's directory, the rooms, the time, and a way to work after answering. */
export interface ReceiveDeps {
  /** `WEBHOOK_SECRETS` (the fallback of deployments from before secrets were set through the API). */
  secrets: string | undefined;
  /** `INTEGRATION_KEY`, which opens the secrets set through the API. */
  integrationKey: string | undefined;
  directory: DirectoryClient;
  rooms: Env["ROOMS"];
  now: number;
  /** The request's id, on the audit entries of the sessions a delivery changes. */
  requestId?: string;
  /** Run the program's follow-up work after the answer has gone (the route passes `waitUntil`). */
  defer: (programId: string, filter: WorkFilter) => void;
}

/** The answer: a receipt, Graph's validation token to echo as text/plain, or a problem the route renders. */
export type Reception =
  | { ok: true; status: 200 | 202; receipt: WebhookReceipt }
  | { ok: true; echo: string }
  | { ok: false; problem: "not-found" | "unauthorized" | "invalid-request" | "unsupported-media-type"; detail: string };

const notFound: Reception = { ok: false, problem: "not-found", detail: "No such webhook." };
// One vague answer for every verification failure: which check failed is for the log only.
const UNVERIFIED = "The delivery could not be verified.";

/**
 * Receive one delivery: find the program's secrets, verify the raw body (or headers) before
 * parsing anything, normalise, and hand the changes to the program's directory, which dedupes
 * and applies them in one step. Answers only after that step returned (the effect is durable);
 * then rebinds the rooms of moved or cancelled sessions. Slow work (Graph, Google) is deferred.
 */
export async function receiveCalendarWebhook(req: WebhookRequest, deps: ReceiveDeps): Promise<Reception> {
  const source = CalendarSource.safeParse(req.source);
  const dir = deps.directory.program(req.programId);
  if (!source.success || !dir) return notFound;
  // The program's context comes first: it carries the secrets an admin set through the API (sealed).
  const context = await dir.calendarContext(deps.now);
  if (!context) return notFound;
  const secrets = [
    ...(await openSecrets(context.secrets, req.programId, source.data, deps.integrationKey)),
    ...webhookSecrets(deps.secrets, req.programId, source.data),
  ];
  if (secrets.length === 0) return notFound;
  const fields = { programId: req.programId, source: source.data };

  if (source.data === "microsoft") {
    const echo = graphValidationResponse(req.url);
    if (echo) return { ok: true, echo: await echo.text() };
  }
  if (source.data !== "google" && !isJsonMediaType(req.headers.get("content-type"))) {
    return { ok: false, problem: "unsupported-media-type", detail: "Send the body as application/json." };
  }
  const rawBody = source.data === "google" ? new Uint8Array(0) : await req.body();
  const verified = await verifyDelivery(source.data, { rawBody, headers: req.headers, secrets, now: deps.now });
  if (!verified.ok) {
    log("info", "calendar.webhook.refused", { ...fields, reason: verified.reason });
    return { ok: false, problem: verified.status === 400 ? "invalid-request" : "unauthorized", detail: UNVERIFIED };
  }

  const delivery = await verified.read(context);
  if (delivery === "invalid" || delivery === "stale") {
    log("info", "calendar.webhook.refused", { ...fields, reason: delivery });
    if (delivery === "stale") return { ok: false, problem: "unauthorized", detail: UNVERIFIED };
    return { ok: false, problem: "invalid-request", detail: "The body is not a delivery this webhook understands." };
  }
  const quick = source.data === "microsoft" ? 202 : 200;
  if (delivery === "ignored") return { ok: true, status: quick, receipt: { status: "ignored" } };

  const outcome = await dir.ingestCalendar(delivery, deps.now, deps.requestId);
  if (!outcome) return notFound;
  log("info", "calendar.webhook", { ...fields, status: outcome.status, ...outcome.effects });
  await rebindRooms(deps.rooms, outcome.bindings, deps.now);
  const work = delivery.work ?? [];
  if (outcome.status === "applied" && work.length > 0) {
    deps.defer(req.programId, { only: work.map((w) => ({ kind: w.kind, ref: w.ref })) });
  }
  if (outcome.status === "duplicate") return { ok: true, status: quick, receipt: { status: "duplicate" } };
  return { ok: true, status: quick, receipt: { status: work.length > 0 ? "accepted" : "applied" } };
}
