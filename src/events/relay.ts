import type {
  DeliveryStatus,
  EventDeliveryView,
  EventEndpointCreate,
  EventEndpointPatch,
  EventEndpointView,
  EventType,
  QueuedEvent,
} from "../../schemas/events.ts";
import { integrationKey, open, type Sealed } from "../calendar/secret-crypto.ts";
import { fail, type Result } from "../directory/result.ts";
import { isoInstant } from "../lib/clock.ts";
import type { DueDelivery, EndpointRow, RelayStore, SecretRow } from "./relay-store.ts";
import { afterAttempt, LOG_KEEP_MS, MAX_ATTEMPTS, shouldDisable } from "./retry-policy.ts";
import { post, signedHeaders } from "./send.ts";

/** A signing secret as the Worker hands it over: sealed with INTEGRATION_KEY, with its fingerprint. */
export type SealedSecret = Sealed & { id: string; fingerprint: string };

/** Where a secret's ciphertext belongs (the AES-GCM additional data): it opens nowhere else. */
export const secretPlace = (programId: string, secretId: string) => ({
  programId,
  source: "event-endpoint",
  id: secretId,
});

/** What the delivery step reaches outside: fetch, the key that opens secrets, and the audit. */
export interface RelayOutside {
  fetch: typeof fetch;
  integrationKey: string | undefined;
  audit: (events: { action: string; object: string; outcome: string }[], now: number) => Promise<void>;
}

/** Deliveries sent at once from one alarm: enough for a backlog, few enough for one receiver. */
const PARALLEL = 6;
const BATCH = 60;

const iso = (t: number | null) => (t === null ? null : isoInstant(t));

/**
 * A program's outbound events (issue 19): its endpoints, the events handed over by its directory,
 * rooms and cron, and one delivery per endpoint and event, tried at least once and retried on the
 * Standard Webhooks schedule (retry-policy.ts) from the relay's alarm. Every decision is a
 * synchronous step; only the POSTs wait.
 */
export class Relay {
  readonly #store: RelayStore;

  constructor(store: RelayStore) {
    this.#store = store;
  }

  programId(given?: string): string {
    if (given && !this.#store.meta("programId")) this.#store.setMeta("programId", given);
    return this.#store.meta("programId") ?? "";
  }

  create(id: string, input: EventEndpointCreate, secret: SealedSecret, now: number): EventEndpointView {
    this.#store.putEndpoint({
      id,
      url: input.url,
      events: JSON.stringify([...new Set(input.events)].sort()),
      description: input.description ?? null,
      status: "enabled",
      disabled_at: null,
      disabled_reason: null,
      last_success_at: null,
      failing_since: null,
      created_at: now,
      updated_at: now,
    });
    this.#addSecret(id, secret, now);
    return this.#view(this.#store.endpoint(id) as EndpointRow, now);
  }

  list(now: number): EventEndpointView[] {
    return this.#store.endpoints().map((e) => this.#view(e, now));
  }

  get(id: string, now: number): Result<{ endpoint: EventEndpointView }> {
    const e = this.#store.endpoint(id);
    return e ? { ok: true, endpoint: this.#view(e, now) } : fail("not-found", "No such event endpoint.");
  }

  /** Change an endpoint; switching it on again sends what it held and what failed. */
  update(
    id: string,
    patch: EventEndpointPatch,
    now: number,
  ): Result<{ endpoint: EventEndpointView; requeued: number }> {
    const e = this.#store.endpoint(id);
    if (!e) return fail("not-found", "No such event endpoint.");
    const next: EndpointRow = { ...e, updated_at: now };
    if (patch.url !== undefined) next.url = patch.url;
    if (patch.events !== undefined) next.events = JSON.stringify([...new Set(patch.events)].sort());
    if (patch.description !== undefined) next.description = patch.description;
    let requeued = 0;
    if (patch.status === "disabled" && e.status === "enabled") {
      Object.assign(next, { status: "disabled", disabled_at: now, disabled_reason: "by an admin" });
      this.#store.putEndpoint(next);
      this.#store.hold(id);
    } else if (patch.status === "enabled" && e.status === "disabled") {
      Object.assign(next, { status: "enabled", disabled_at: null, disabled_reason: null, failing_since: null });
      this.#store.putEndpoint(next);
      requeued = this.#store.requeue(id, ["held", "failed"], now);
    } else this.#store.putEndpoint(next);
    return { ok: true, endpoint: this.#view(this.#store.endpoint(id) as EndpointRow, now), requeued };
  }

  remove(id: string): Result<object> {
    if (!this.#store.endpoint(id)) return fail("not-found", "No such event endpoint.");
    this.#store.deleteEndpoint(id);
    return { ok: true };
  }

  /** A new signing secret; the others keep signing beside it until `overlapUntil` (now, when absent). */
  rotate(
    id: string,
    secret: SealedSecret,
    overlapUntil: number | null,
    now: number,
  ): Result<{ endpoint: EventEndpointView }> {
    if (!this.#store.endpoint(id)) return fail("not-found", "No such event endpoint.");
    this.#addSecret(id, secret, now);
    this.#store.retireSecrets(id, secret.id, overlapUntil ?? now);
    return this.get(id, now);
  }

  /** Send every failed delivery of an endpoint again, attempts from zero (a receiver that was fixed). */
  retry(id: string, now: number): Result<{ requeued: number }> {
    const e = this.#store.endpoint(id);
    if (!e) return fail("not-found", "No such event endpoint.");
    if (e.status === "disabled") return fail("conflict", "The endpoint is disabled; enable it to send again.");
    return { ok: true, requeued: this.#store.requeue(id, ["failed"], now) };
  }

  log(id: string, status: DeliveryStatus | undefined, limit: number): Result<{ deliveries: EventDeliveryView[] }> {
    if (!this.#store.endpoint(id)) return fail("not-found", "No such event endpoint.");
    const deliveries = this.#store.log(id, status, limit).map((d) => ({
      eventId: d.event_id,
      type: d.type,
      status: d.status,
      attempts: d.attempts,
      nextAttemptAt: iso(d.next_at),
      lastAttemptAt: iso(d.last_attempt_at),
      lastStatus: d.last_status,
      lastError: d.last_error,
      deliveredAt: iso(d.delivered_at),
      createdAt: isoInstant(d.created_at),
    }));
    return { ok: true, deliveries };
  }

  /**
   * Take events in: each id once (a second hand-over is a duplicate), and one delivery per endpoint
   * that subscribes to its type (held when the endpoint is disabled). An event nobody subscribes to
   * is not kept.
   */
  accept(events: readonly QueuedEvent[], now: number): { accepted: number; duplicates: number } {
    const endpoints = this.#store.endpoints().map((e) => ({ ...e, types: JSON.parse(e.events) as EventType[] }));
    let accepted = 0;
    let duplicates = 0;
    for (const event of events) {
      const to = endpoints.filter((e) => e.types.includes(event.type));
      if (to.length === 0) continue;
      if (!this.#store.addEvent(event, now)) {
        duplicates++;
        continue;
      }
      accepted++;
      for (const e of to) this.#store.addDelivery(e.id, event.id, e.status === "enabled" ? "pending" : "held", now);
    }
    return { accepted, duplicates };
  }

  /** Every type some endpoint wants (a disabled one too: its deliveries are held for it). */
  subscribedTypes(): EventType[] {
    const types = new Set<EventType>();
    for (const e of this.#store.endpoints()) for (const t of JSON.parse(e.events) as EventType[]) types.add(t);
    return [...types].sort();
  }

  /** Whether the directory still has to hear the subscribed types (set on every endpoint change). */
  get subscriptionsOwed(): boolean {
    return this.#store.meta("subscriptionsOwed") === "1";
  }

  set subscriptionsOwed(owed: boolean) {
    this.#store.setMeta("subscriptionsOwed", owed ? "1" : "0");
  }

  nextDue(): number | null {
    return this.#store.nextDue();
  }

  /** The alarm's work: send what is due, batch after batch, and settle each attempt as it answers. */
  async deliverDue(now: number, outside: RelayOutside): Promise<number> {
    const programId = this.programId();
    const key = await integrationKey(outside.integrationKey);
    let sent = 0;
    for (let due = this.#store.due(now, BATCH); due.length > 0; due = this.#store.due(now, BATCH)) {
      const secrets = new Map<string, string[]>();
      for (const id of new Set(due.map((d) => d.endpoint_id)))
        secrets.set(id, await this.#open(key, programId, this.#store.secrets(id, now)));
      for (let i = 0; i < due.length; i += PARALLEL) {
        await Promise.all(
          due.slice(i, i + PARALLEL).map((d) => this.#attempt(d, secrets.get(d.endpoint_id) ?? [], now, outside)),
        );
      }
      sent += due.length;
    }
    this.#store.prune(now - LOG_KEEP_MS);
    return sent;
  }

  async #attempt(d: DueDelivery, secrets: string[], now: number, outside: RelayOutside): Promise<void> {
    const a =
      secrets.length === 0
        ? { ok: false as const, status: null, error: "no signing secret (INTEGRATION_KEY missing or changed)" }
        : await post(outside.fetch, d.url, signedHeaders(secrets, d.event_id, new Date(now), d.body), d.body);
    const next = afterAttempt(d.attempts, a, now);
    this.#store.settle({ endpointId: d.endpoint_id, eventId: d.event_id }, a, next, now);
    const e = this.#store.endpoint(d.endpoint_id);
    if (!e) return;
    if (a.ok) {
      this.#store.putEndpoint({ ...e, last_success_at: now, failing_since: null });
      return;
    }
    // Failing since the first failure after the last success: one refused event among delivered ones is not an outage.
    const failing = { ...e, failing_since: e.failing_since ?? now };
    if (!shouldDisable(next.status === "failed", failing, now) || e.status === "disabled") {
      this.#store.putEndpoint(failing);
      return;
    }
    const reason = `failing: no delivery succeeded since ${isoInstant(failing.failing_since)} (${MAX_ATTEMPTS} attempts of one event failed)`;
    this.#store.putEndpoint({
      ...failing,
      status: "disabled",
      disabled_at: now,
      disabled_reason: reason,
      updated_at: now,
    });
    this.#store.hold(e.id);
    await outside.audit([{ action: "events.endpoint-disable", object: e.id, outcome: "failing" }], now);
  }

  async #open(key: CryptoKey | null, programId: string, rows: SecretRow[]): Promise<string[]> {
    if (!key) return [];
    const opened = await Promise.all(rows.map((r) => open(key, r, secretPlace(programId, r.id))));
    return opened.filter((s): s is string => s !== null);
  }

  #addSecret(endpointId: string, s: SealedSecret, now: number): void {
    this.#store.addSecret({
      id: s.id,
      endpoint_id: endpointId,
      iv: s.iv,
      ciphertext: s.ciphertext,
      fingerprint: s.fingerprint,
      created_at: now,
      expires_at: null,
    });
  }

  #view(e: EndpointRow, now: number): EventEndpointView {
    return {
      id: e.id,
      url: e.url,
      events: JSON.parse(e.events) as EventType[],
      description: e.description,
      status: e.status,
      disabledAt: iso(e.disabled_at),
      disabledReason: e.disabled_reason,
      lastSuccessAt: iso(e.last_success_at),
      failingSince: iso(e.failing_since),
      secrets: this.#store.secrets(e.id, now).map((s) => ({
        fingerprint: s.fingerprint,
        createdAt: isoInstant(s.created_at),
        expiresAt: iso(s.expires_at),
      })),
      counts: this.#store.counts(e.id),
      createdAt: isoInstant(e.created_at),
      updatedAt: isoInstant(e.updated_at),
    };
  }
}
