import { DurableObject } from "cloudflare:workers";
import type { DeliveryStatus, EventEndpointCreate, EventEndpointPatch, QueuedEvent } from "../schemas/events.ts";
import { workerConfig } from "../src/config/worker-config.ts";
import { Relay, type RelayOutside, type SealedSecret } from "../src/events/relay.ts";
import { RELAY_MIGRATIONS, RelayStore } from "../src/events/relay-store.ts";
import { isoInstant } from "../src/lib/clock.ts";
import { log, setLogLevel } from "../src/lib/log.ts";
import { migrate } from "../src/storage/migrations.ts";

/**
 * One per program: the program's outbound events (src/events/relay.ts). Its directory, rooms and
 * cron hand events over here (`accept`, idempotent on the event id); admins manage endpoints through
 * the API; the alarm delivers what is due and re-arms for the next retry, so a restart loses nothing.
 */
export class EventRelay extends DurableObject<Env> {
  readonly #relay: Relay;
  #running: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    setLogLevel(workerConfig(env).logLevel);
    ctx.blockConcurrencyWhile(async () => migrate(ctx.storage.sql, "relay", RELAY_MIGRATIONS));
    this.#relay = new Relay(new RelayStore(ctx.storage.sql));
  }

  async accept(programId: string, events: QueuedEvent[], now: number) {
    this.#relay.programId(programId);
    const answer = this.#relay.accept(events, now);
    if (answer.accepted > 0) await this.#arm();
    return answer;
  }

  async createEndpoint(programId: string, id: string, input: EventEndpointCreate, secret: SealedSecret, now: number) {
    this.#relay.programId(programId);
    const endpoint = this.#relay.create(id, input, secret, now);
    await this.#publish();
    return endpoint;
  }

  listEndpoints(now: number) {
    return this.#relay.list(now);
  }

  getEndpoint(id: string, now: number) {
    return this.#relay.get(id, now);
  }

  async updateEndpoint(id: string, patch: EventEndpointPatch, now: number) {
    const answer = this.#relay.update(id, patch, now);
    if (answer.ok) await this.#publish();
    return answer;
  }

  async deleteEndpoint(id: string) {
    const answer = this.#relay.remove(id);
    if (answer.ok) await this.#publish();
    return answer;
  }

  rotateSecret(id: string, secret: SealedSecret, overlapUntil: number | null, now: number) {
    return this.#relay.rotate(id, secret, overlapUntil, now);
  }

  async retryFailed(id: string, now: number) {
    const answer = this.#relay.retry(id, now);
    if (answer.ok && answer.requeued > 0) await this.#arm();
    return answer;
  }

  deliveries(id: string, status: DeliveryStatus | undefined, limit: number) {
    return this.#relay.log(id, status, limit);
  }

  /** Send what is due at `now` (the alarm passes the real time; tests pass their clock). One run at a time. */
  deliverDue(now: number): Promise<number> {
    const run = this.#running.then(() => this.#relay.deliverDue(now, this.#outside()));
    this.#running = run.catch(() => undefined);
    return run.finally(() => this.#arm());
  }

  override async alarm() {
    if (this.#relay.subscriptionsOwed) await this.#publish();
    const sent = await this.deliverDue(Date.now());
    if (sent > 0) log("info", "events.delivered", { attempts: sent });
  }

  /** Tell the program's directory which types to queue; until it has heard, the alarm keeps asking. */
  async #publish(): Promise<void> {
    this.#relay.subscriptionsOwed = true;
    try {
      await this.env.PROGRAMS.getByName(this.#relay.programId()).subscribeEvents(this.#relay.subscribedTypes());
      this.#relay.subscriptionsOwed = false;
    } catch (err) {
      log("warn", "events.subscribe.retry", { error: (err as Error).name });
    }
    await this.#arm();
  }

  async #arm(): Promise<void> {
    const due = this.#relay.nextDue();
    const next = this.#relay.subscriptionsOwed ? Math.min(due ?? Infinity, Date.now() + 5_000) : due;
    const armed = await this.ctx.storage.getAlarm();
    if (next === null) {
      if (armed !== null) await this.ctx.storage.deleteAlarm();
    } else if (armed === null || armed > next) await this.ctx.storage.setAlarm(next);
  }

  #outside(): RelayOutside {
    return {
      fetch: (input, init) => fetch(input, init),
      integrationKey: workerConfig(this.env).integrationKey,
      audit: async (events, now) => {
        const programId = this.#relay.programId();
        try {
          await this.env.PROGRAMS.getByName(programId).appendAudit(
            events.map((e) => ({ actor: "system:events", ...e })),
            isoInstant(now),
          );
        } catch (err) {
          log("error", "events.audit.failed", { error: (err as Error).name });
        }
      },
    };
  }
}
