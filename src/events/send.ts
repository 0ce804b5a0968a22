import { Webhook } from "standardwebhooks";
import type { Attempt } from "./relay-store.ts";

/** An attempt that has not answered in this long is abandoned and retried later. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * The Standard Webhooks headers of one attempt: the event's stable id, the time of this attempt
 * and one `v1,` signature per active secret (two during a rotation), space-separated as the
 * specification allows, so a receiver holding either secret verifies.
 */
export function signedHeaders(secrets: readonly string[], id: string, at: Date, body: string): Record<string, string> {
  const signatures = secrets.map((s) => new Webhook(s).sign(id, at, body));
  return {
    "content-type": "application/json",
    "user-agent": "iop-orchestrator-events/1",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}

/**
 * POST one delivery. A 2xx is delivered; anything else, a redirect (never followed: the endpoint
 * is the registered URL), a timeout or a network error is a failure to retry. The answer's body is
 * never read.
 */
export async function post(
  fetchFn: typeof fetch,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<Attempt> {
  try {
    const res = await fetchFn(url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await res.body?.cancel();
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    const error = res.status >= 300 && res.status < 400 ? "redirect" : `http ${res.status}`;
    return { ok: false, status: res.status, error };
  } catch (err) {
    const name = (err as Error).name;
    return { ok: false, status: null, error: name === "TimeoutError" || name === "AbortError" ? "timeout" : "network" };
  }
}
