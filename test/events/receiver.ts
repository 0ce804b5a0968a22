import { env, runDurableObjectAlarm } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { expect, vi } from "vitest";
import { EVENT_TYPES } from "../../schemas/events.ts";

export type Payload = {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
  notice?: { summary: string };
};
export interface Seen {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  answered: number;
}

/**
 * A clinic's receiver at https://rx.fake.test/hook, standing in for the fetch the relay makes (the
 * relay runs in this same isolate); its answer is decided per request by `answer(body)` (204 by default).
 */
export function receiver(answer: (body: string) => number = () => 204) {
  const seen: Seen[] = [];
  const state = { answer };
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const host = new URL(req.url).host;
    if (host !== "rx.fake.test") throw new Error(`unexpected fetch to ${req.url}`);
    const body = await req.text();
    const answered = state.answer(body);
    seen.push({
      id: req.headers.get("webhook-id") ?? "",
      timestamp: req.headers.get("webhook-timestamp") ?? "",
      signature: req.headers.get("webhook-signature") ?? "",
      body,
      answered,
    });
    return new Response(null, { status: answered });
  });
  return {
    url: "https://rx.fake.test/hook",
    seen,
    state,
    restore: () => spy.mockRestore(),
    verify(secret: string, r: Seen): Payload {
      const headers = { "webhook-id": r.id, "webhook-timestamp": r.timestamp, "webhook-signature": r.signature };
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Number(r.timestamp) * 1000);
      try {
        return new Webhook(secret).verify(r.body, headers) as Payload;
      } finally {
        vi.useRealTimers();
      }
    },
    ok() {
      return seen.filter((r) => r.answered < 300);
    },
    /** The deliveries that got a 2xx, each verified with the standardwebhooks package against `secret`. */
    verified(secret: string): { id: string; payload: Payload }[] {
      return this.ok().map((r) => ({ id: r.id, payload: this.verify(secret, r) }));
    },
    /** Answer every request with `status` from now on (null: 204 again). */
    failWith(status: number | null) {
      state.answer = () => status ?? 204;
    },
    payloads(): Payload[] {
      return seen.filter((r) => r.answered < 300).map((r) => JSON.parse(r.body) as Payload);
    },
  };
}
export type Rx = ReturnType<typeof receiver>;

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
type Call = (method: string, path: string, opts?: any) => Promise<{ status: number; body: any; text: string }>;

export async function register(
  call: Call,
  programId: string,
  admin: string,
  url: string,
  events: readonly string[] = EVENT_TYPES,
) {
  const made = await call("POST", `/v1/programs/${programId}/event-endpoints`, {
    token: admin,
    body: { url, events },
  });
  expect(made.status, made.text).toBe(201);
  return { id: made.body.id as string, secret: made.body.secret as string };
}

/** Run the directory's alarm (hand-over) and the relay at `now`, until `done`. */
export async function travel(programId: string, now: number, done: () => boolean, rooms: string[] = []) {
  for (let i = 0; i < 40 && !done(); i++) {
    await runDurableObjectAlarm(env.PROGRAMS.getByName(programId));
    for (const r of rooms) await runDurableObjectAlarm(env.ROOMS.getByName(r));
    await env.EVENTS.getByName(programId).deliverDue(now);
    if (!done()) await new Promise((r) => setTimeout(r, 25));
  }
  return done();
}

/** Just let things travel for a few rounds (when expecting that nothing more arrives). */
export async function settle(programId: string, now: number, rooms: string[] = []) {
  for (let i = 0; i < 6; i++) {
    await runDurableObjectAlarm(env.PROGRAMS.getByName(programId));
    for (const r of rooms) await runDurableObjectAlarm(env.ROOMS.getByName(r));
    await env.EVENTS.getByName(programId).deliverDue(now);
    await new Promise((r) => setTimeout(r, 25));
  }
}
