/**
 * The RealtimeKit account's call budget as its callers see it: one holder per account (the
 * `VideoAccount` Durable Object, workers/video-account.ts) keeps the sliding window of rate-budget.ts,
 * so every room and every join of the account takes from the same count. Times are epoch ms.
 */

/** What `take` answers: go now, or not before `waitUntil` (Infinity: more than the whole limit at once). */
export type TakeAnswer = { ok: true } | { ok: false; waitUntil: number };

/** The account's budget: take calls before making them; record the platform's 429 when one comes anyway. */
export interface AccountBudget {
  take(n: number, now: number): Promise<TakeAnswer>;
  block(until: number): Promise<void>;
}

/** The holder's RPC surface, typed structurally so this module needs no Cloudflare types. */
export interface BudgetHolders {
  getByName(name: string): { take(n: number, now: number): Promise<TakeAnswer>; block(until: number): Promise<void> };
}

/** The one budget of `accountId`; a holder that cannot be reached refuses for a few seconds (never lets calls through). */
export function accountBudget(holders: BudgetHolders, accountId: string): AccountBudget {
  const holder = () => holders.getByName(`rtk:${accountId}`);
  return {
    async take(n, now) {
      try {
        return await holder().take(n, now);
      } catch {
        return { ok: false, waitUntil: now + UNREACHABLE_RETRY_MS };
      }
    },
    async block(until) {
      try {
        await holder().block(until);
      } catch {
        // The next take asks the platform again; its 429 is recorded then.
      }
    },
  };
}

/** How long a caller waits when the budget's holder did not answer. */
export const UNREACHABLE_RETRY_MS = 5_000;
