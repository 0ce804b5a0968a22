import { DurableObject } from "cloudflare:workers";
import { workerConfig } from "../src/config/worker-config.ts";
import { setLogLevel } from "../src/lib/log.ts";
import { migrate } from "../src/storage/migrations.ts";
import type { TakeAnswer } from "../src/video/realtimekit/account-budget.ts";
import { block, emptyBudget, type RateBudget, remaining, take } from "../src/video/realtimekit/rate-budget.ts";

/** The account's table: one row holding the budget (rate-budget.ts's JSON-safe state). */
const ACCOUNT_MIGRATIONS = [{ id: 1, sql: "CREATE TABLE budget (id INTEGER PRIMARY KEY, body TEXT NOT NULL)" }];

/**
 * One per video-platform account (`rtk:<account id>`): the single holder of the account's API call
 * budget, because the platform counts calls per account, not per room. Every room's pre-enrolment,
 * removal and every join's refresh or addition takes its calls here first. `take` checks and writes
 * in one synchronous step, so concurrent callers can never take more than the limit between them.
 */
export class VideoAccount extends DurableObject<Env> {
  #budget: RateBudget = emptyBudget();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    setLogLevel(workerConfig(env).logLevel);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage.sql, "account", ACCOUNT_MIGRATIONS);
      const row = ctx.storage.sql.exec<{ body: string }>("SELECT body FROM budget WHERE id = 1").toArray()[0];
      if (row) this.#budget = JSON.parse(row.body) as RateBudget;
    });
  }

  /** Take `n` calls at `now` (epoch ms), all or none; refused, the earliest instant they could go. */
  take(n: number, now: number): TakeAnswer {
    const answer = take(this.#budget, now, n);
    this.#save(answer.budget);
    return answer.ok ? { ok: true } : { ok: false, waitUntil: answer.waitUntil };
  }

  /** The platform answered 429: nothing goes before `until` (epoch ms), whatever the count says. */
  block(until: number): void {
    this.#save(block(this.#budget, until));
  }

  /** Calls that could still be taken at `now`, for tests and the operator's look. */
  remaining(now: number): number {
    return remaining(this.#budget, now);
  }

  #save(budget: RateBudget): void {
    if (budget === this.#budget) return;
    this.#budget = budget;
    this.ctx.storage.sql.exec(
      "INSERT INTO budget (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
      JSON.stringify(budget),
    );
  }
}
