import { Webhook } from "standardwebhooks";
import { vi } from "vitest";

/** A delivery's body as the catalogue writes it. */
export type Payload = { type: string; timestamp: string; data: Record<string, unknown>; notice?: { summary: string } };

/** One POST as the receiver saw it. */
export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  answered: number;
}

/**
 * A clinic's receiver at https://receiver.fake.test/hook, standing in for the fetch the relay makes
 * (the relay runs in this same isolate). `failWith` makes it answer that status until cleared.
 */
export function fakeReceiver() {
  const seen: Received[] = [];
  const state = { failWith: null as number | null };
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    if (new URL(req.url).host !== "receiver.fake.test") throw new Error(`unexpected fetch to ${req.url}`);
    const answered = state.failWith ?? 204;
    seen.push({
      id: req.headers.get("webhook-id") ?? "",
      timestamp: req.headers.get("webhook-timestamp") ?? "",
      signature: req.headers.get("webhook-signature") ?? "",
      body: await req.text(),
      answered,
    });
    return new Response(null, { status: answered });
  });
  return {
    url: "https://receiver.fake.test/hook",
    seen,
    state,
    restore: () => spy.mockRestore(),
    /** Deliveries that got a 2xx, each verified with the standardwebhooks package against `secret`. */
    verified(secret: string) {
      const wh = new Webhook(secret);
      return seen
        .filter((r) => r.answered < 300)
        .map((r) => {
          const headers = { "webhook-id": r.id, "webhook-timestamp": r.timestamp, "webhook-signature": r.signature };
          // The package checks the timestamp against its clock (5 minutes' tolerance): it receives at the
          // instant the relay sent, which is the test's clock, not today.
          vi.useFakeTimers({ toFake: ["Date"] });
          vi.setSystemTime(Number(r.timestamp) * 1000);
          try {
            return { id: r.id, payload: wh.verify(r.body, headers) as Payload };
          } finally {
            vi.useRealTimers();
          }
        });
    },
  };
}
