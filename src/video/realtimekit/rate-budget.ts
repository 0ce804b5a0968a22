/**
 * The account's RealtimeKit call budget, as plain data. Cloudflare documents "All RealtimeKit APIs:
 * 3,500 requests per five minutes", counted toward the account's global Cloudflare API limit
 * (developers.cloudflare.com/realtime/realtimekit/limits/), and a caller over the global limit has
 * "all API calls for the next five minutes" blocked with 429 (developers.cloudflare.com/fundamentals/
 * api/reference/limits/). Going over costs five minutes of every join, so callers plan below the limit.
 *
 * A sliding window: a call taken at `t` counts until `t + windowMs`, so no window of `windowMs`, at any
 * offset, ever holds more than `limit` calls, whether the platform's windows are fixed or rolling. Calls
 * are kept as one-second buckets so the state stays small enough to store; a bucket counts until its end
 * plus the window, which can refuse up to a second early but never lets one call too many through.
 */

/** RealtimeKit's documented account limit. */
export const REALTIMEKIT_API_LIMIT = 3500;
/** The documented window: five minutes. */
export const REALTIMEKIT_WINDOW_MS = 300_000;
/**
 * What the product plans for: 500 below the limit, for calls made with the same token elsewhere (the
 * dashboard, deploy tooling) and for network latency shifting when the platform counts a call.
 */
export const REALTIMEKIT_PLANNED_LIMIT = 3000;
/** Bucket width; see the module note. */
export const BUDGET_BUCKET_MS = 1000;

/** The budget's whole state; store it as is (JSON-safe). */
export interface RateBudget {
  limit: number;
  windowMs: number;
  /** `[bucket start in epoch ms, calls taken in it]`, oldest first. */
  buckets: ReadonlyArray<readonly [number, number]>;
  /** Until when the platform told us to stop (a 429's Retry-After), epoch ms; 0 when never. */
  blockedUntil: number;
}

/** What `take` answers: the calls may go now, or not before `waitUntil` (epoch ms). */
export type Take = { ok: true; budget: RateBudget } | { ok: false; waitUntil: number; budget: RateBudget };

/** An empty budget planning for `limit` calls per `windowMs`. */
export function emptyBudget(limit = REALTIMEKIT_PLANNED_LIMIT, windowMs = REALTIMEKIT_WINDOW_MS): RateBudget {
  return { limit, windowMs, buckets: [], blockedUntil: 0 };
}

/**
 * Take `n` calls at `now` (epoch ms), or learn the earliest time they could all go. `n` calls are taken
 * together or not at all (a removal that kicks and deletes needs both). More than `limit` at once can
 * never go: `waitUntil` is then `Infinity`.
 */
export function take(budget: RateBudget, now: number, n = 1): Take {
  const live = prune(budget, now);
  if (!(Number.isSafeInteger(n) && n >= 0)) return { ok: false, waitUntil: Number.POSITIVE_INFINITY, budget: live };
  if (n > live.limit) return { ok: false, waitUntil: Number.POSITIVE_INFINITY, budget: live };
  const over = used(live) + n - live.limit;
  if (over > 0 || now < live.blockedUntil) {
    return { ok: false, waitUntil: Math.max(live.blockedUntil, over > 0 ? freedAt(live, over) : 0), budget: live };
  }
  if (n === 0) return { ok: true, budget: live };
  const last = live.buckets.at(-1);
  // A clock that steps back files the call under the latest bucket: counted as later, so it expires later.
  const start = Math.max(now - (now % BUDGET_BUCKET_MS), last?.[0] ?? Number.NEGATIVE_INFINITY);
  const buckets =
    last && last[0] === start
      ? [...live.buckets.slice(0, -1), [start, last[1] + n] as const]
      : [...live.buckets, [start, n] as const];
  return { ok: true, budget: { ...live, buckets } };
}

/** Calls that could still be taken at `now`. */
export function remaining(budget: RateBudget, now: number): number {
  const live = prune(budget, now);
  return now < live.blockedUntil ? 0 : Math.max(0, live.limit - used(live));
}

/**
 * Record the platform's 429: nothing goes before `until` (epoch ms), whatever the count says. It should
 * never happen while everyone takes from one budget; when it does, the platform's word wins.
 */
export function block(budget: RateBudget, until: number): RateBudget {
  return { ...budget, blockedUntil: Math.max(budget.blockedUntil, until) };
}

/** When a bucket stops counting. */
function expiry(bucketStart: number, windowMs: number): number {
  return bucketStart + BUDGET_BUCKET_MS + windowMs;
}

function prune(budget: RateBudget, now: number): RateBudget {
  const first = budget.buckets.findIndex(([start]) => expiry(start, budget.windowMs) > now);
  if (first === 0) return budget;
  return { ...budget, buckets: first === -1 ? [] : budget.buckets.slice(first) };
}

function used(budget: RateBudget): number {
  let sum = 0;
  for (const [, count] of budget.buckets) sum += count;
  return sum;
}

/** The time by which the oldest buckets have freed at least `over` calls. */
function freedAt(budget: RateBudget, over: number): number {
  let freed = 0;
  for (const [start, count] of budget.buckets) {
    freed += count;
    if (freed >= over) return expiry(start, budget.windowMs);
  }
  // Unreachable while `n <= limit`: all buckets expiring frees `used` ≥ `over`.
  return Number.POSITIVE_INFINITY;
}
