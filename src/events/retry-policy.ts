import type { DeliveryStatus } from "../../schemas/events.ts";
import type { Attempt } from "./relay-store.ts";

/**
 * When a failed delivery is tried again: the schedule the Standard Webhooks guidance gives, after
 * the first attempt at once: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. Eight attempts over 27 h 35 min,
 * so a receiver down for a whole day still gets every event.
 */
export const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** An endpoint whose deliveries all failed for this long (and one ran out of retries) is disabled. */
export const DISABLE_AFTER_MS = 24 * 3600_000;

/** How long delivered and failed deliveries stay in the log. */
export const LOG_KEEP_MS = 30 * 86_400_000;

/** A delivery's next state after an attempt (`attempts` counts the attempts before this one). */
export function afterAttempt(attempts: number, a: Attempt, now: number): { status: DeliveryStatus; at: number | null } {
  if (a.ok) return { status: "delivered", at: null };
  const delay = RETRY_DELAYS_MS[attempts];
  return delay === undefined ? { status: "failed", at: null } : { status: "pending", at: now + delay };
}

/**
 * Whether an endpoint should be disabled now: a delivery just ran out of retries and nothing
 * succeeded for at least DISABLE_AFTER_MS. One bad event (a receiver that always answers 400 to
 * it) fails alone; an endpoint that answers nothing at all for a day is switched off.
 */
export function shouldDisable(
  exhausted: boolean,
  endpoint: { failing_since: number | null; last_success_at: number | null },
  now: number,
): boolean {
  if (!exhausted || endpoint.failing_since === null) return false;
  const quiet = endpoint.last_success_at === null || now - endpoint.last_success_at >= DISABLE_AFTER_MS;
  return quiet && now - endpoint.failing_since >= DISABLE_AFTER_MS;
}
