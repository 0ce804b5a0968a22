import { CalendarSource } from "../../schemas/calendar/change.ts";
import type { WebhookReceipt } from "../../schemas/calendar/integration.ts";
import { log } from "../lib/log.ts";
import { isJsonMediaType } from "../lib/media-type.ts";
import type { CalendarWing } from "./calendar-wing.ts";
import { graphValidationResponse } from "./providers/microsoft/verify.ts";
import { verifyDelivery } from "./read-delivery.ts";
import { openSecrets } from "./secret-crypto.ts";

/** A calendar webhook request as the route hands it to the program's directory: one RPC per delivery. */
export interface WebhookDelivery {
  source: string;
  url: string;
  headers: [string, string][];
  body: Uint8Array;
  /** This program's secrets for the source in `WEBHOOK_SECRETS` (the fallback of older deployments). */
  fallbackSecrets: string[];
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
 * Receive one delivery inside the program's Durable Object: open the program's secrets, verify the
 * raw body (or headers) before parsing anything, normalise (the e-mail hash key never leaves the
 * object), then dedupe and apply in one synchronous step with the audit entries of the sessions it
 * changed. Answers once that step is stored and the rooms of moved or cancelled sessions are told;
 * slow work (Graph fetches, Google syncs) goes on the follow-up list, run from the alarm.
 */
export async function ingestWebhook(
  req: WebhookDelivery,
  wing: CalendarWing,
  now: number,
  requestId?: string,
): Promise<Reception> {
  const source = CalendarSource.safeParse(req.source);
  const context = wing.book.context(now);
  if (!source.success || !context) return notFound;
  const programId = wing.programId();
  const secrets = [
    ...(await openSecrets(context.secrets, programId, source.data, wing.integrationKey)),
    ...req.fallbackSecrets,
  ];
  if (secrets.length === 0) return notFound;
  const fields = { programId, source: source.data };
  const url = new URL(req.url);
  const headers = new Headers(req.headers);

  if (source.data === "microsoft") {
    const echo = graphValidationResponse(url);
    if (echo) return { ok: true, echo: await echo.text() };
  }
  if (source.data !== "google" && !isJsonMediaType(headers.get("content-type"))) {
    return { ok: false, problem: "unsupported-media-type", detail: "Send the body as application/json." };
  }
  const rawBody = source.data === "google" ? new Uint8Array(0) : req.body;
  const verified = await verifyDelivery(source.data, { rawBody, headers, secrets, now });
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

  // The one synchronous step: dedupe, apply, list the follow-up work, and audit what changed.
  const who = { actor: `calendar:${delivery.source}`, ...(requestId ? { requestId } : {}) };
  const outcome = wing.record.synced(who, now, wing.book.ingest(delivery, now));
  if (!outcome) return notFound;
  log("info", "calendar.webhook", { ...fields, status: outcome.status, ...outcome.effects });
  const work = outcome.status === "applied" ? (delivery.work ?? []) : [];
  // A held reschedule is released from the alarm too (no outbound call, so the receipt stays "applied").
  if (work.length > 0 || outcome.holds.length > 0) await wing.armFollowUps(now);
  await wing.rebind(outcome.bindings, now);
  if (outcome.status === "duplicate") return { ok: true, status: quick, receipt: { status: "duplicate" } };
  return { ok: true, status: quick, receipt: { status: work.length > 0 ? "accepted" : "applied" } };
}
