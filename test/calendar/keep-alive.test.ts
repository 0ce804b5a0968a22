import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { iso } from "../dates.ts";
import { fakeGoogle } from "./fake-google.ts";
import { fakeGraph, graphEvent, graphNotification } from "./fake-graph.ts";
import {
  CAL,
  type CalendarProgram,
  CHANNEL,
  CLIENTS,
  calendarProgram,
  DAY_MS,
  fromStart,
  GRAPH_URL,
  gcalEvent,
  routeFetch,
  SECRETS,
  START,
  SUBSCRIPTION,
} from "./fixtures.ts";

// Subscriptions and channels kept alive from the cron and the lifecycle events (issue 17): every
// attempt audited, the last one per channel and subscription in the integration's status.
const CLIENT_IDS = "String {00020329-0000-0000-C000-000000000046} Name clientIds";
const GRAPH_HOOK = "https://iop.example/v1/webhooks/calendar/x/microsoft";
const MIN = 60_000;

afterEach(() => vi.restoreAllMocks());

/** Give the program its Microsoft webhook URL (and channel/subscription expiries), keeping the rest. */
async function configure(p: CalendarProgram, over: { subscriptionExpires?: string; channelExpires?: string } = {}) {
  const current = await p.call("GET", `/v1/programs/${p.programId}/integrations/calendar`, { token: p.admin });
  const { mappings, google } = current.body;
  const subscription = {
    ...SUBSCRIPTION,
    ...(over.subscriptionExpires ? { expiresAt: over.subscriptionExpires } : {}),
  };
  const channel = { ...CHANNEL, ...(over.channelExpires ? { expiresAt: over.channelExpires } : {}) };
  const put = await p.call("PUT", `/v1/programs/${p.programId}/integrations/calendar`, {
    token: p.admin,
    body: {
      mappings,
      google: { ...google, channels: [channel] },
      microsoft: { subscriptions: [subscription], webhookUrl: GRAPH_HOOK },
    },
  });
  expect(put.status).toBe(200);
}

const status = async (p: CalendarProgram) =>
  (await p.call("GET", `/v1/programs/${p.programId}/integrations/calendar`, { token: p.admin })).body;

/** The audit entries of renewal attempts, oldest first. */
const attempts = (p: CalendarProgram) =>
  p.rows(
    "SELECT actor, action, object, outcome FROM audit WHERE action LIKE 'calendar.%' AND action != 'calendar.read' ORDER BY seq",
  );

function graphSetup(p: CalendarProgram) {
  const graph = fakeGraph({ baseUrl: GRAPH_URL, accessToken: env.GRAPH_API_TOKEN, now: p.clock.now });
  graph.put("u-1", graphEvent({ singleValueExtendedProperties: [{ id: CLIENT_IDS, value: CLIENTS.calcom }] }));
  routeFetch({ "graph.fake.test": graph.fetch });
  const notify = (items: Record<string, unknown>[]) => p.post("microsoft", graphNotification(items), {});
  return { graph, notify };
}

const removed = { lifecycleEvent: "subscriptionRemoved", changeType: undefined, resource: undefined };

describe("Graph subscriptions kept alive", () => {
  it("re-creates a removed subscription with the program's clientState; the mappings and new notifications follow it", async () => {
    const p = await calendarProgram();
    await configure(p);
    const { graph, notify } = graphSetup(p);
    graph.unsubscribe(SUBSCRIPTION.id);
    expect((await notify([removed])).status).toBe(202);

    expect(graph.created).toEqual([
      {
        id: expect.any(String),
        changeType: "created,updated,deleted",
        notificationUrl: GRAPH_HOOK,
        lifecycleNotificationUrl: GRAPH_HOOK,
        resource: SUBSCRIPTION.resource,
        expirationDateTime: fromStart(3 * DAY_MS),
        clientState: SECRETS.microsoft,
      },
    ]);
    const fresh = graph.created[0]?.id as string;
    const after = await status(p);
    expect(after.microsoft.subscriptions).toEqual([
      { id: fresh, resource: SUBSCRIPTION.resource, expiresAt: fromStart(3 * DAY_MS) },
    ]);
    expect(after.mappings.filter((m: { source: string }) => m.source === "microsoft")).toMatchObject([
      { trackRef: fresh, kind: "individual" },
    ]);
    expect(after.chores).toEqual([]);
    expect(after.renewals).toEqual([
      {
        kind: "graph-recreate",
        ref: SUBSCRIPTION.id,
        at: START,
        ok: true,
        replacedBy: fresh,
        expiresAt: fromStart(3 * DAY_MS),
      },
    ]);
    expect(await attempts(p)).toEqual([
      { actor: "calendar:microsoft", action: "calendar.subscription-recreate", object: SUBSCRIPTION.id, outcome: "ok" },
    ]);

    // The old subscription's notifications are no longer this program's; the new one's are.
    expect((await notify([{}])).body).toEqual({ status: "ignored" });
    expect(await p.sessions()).toEqual([]);
    expect((await notify([{ subscriptionId: fresh }])).body).toEqual({ status: "accepted" });
    expect(await p.sessions()).toMatchObject([
      { kind: "individual", clientIds: expect.arrayContaining([CLIENTS.calcom]) },
    ]);
  });

  it("retries a failed re-creation with growing waits, each attempt audited and shown", async () => {
    const p = await calendarProgram();
    await configure(p);
    const { graph, notify } = graphSetup(p);
    graph.failCreates(2);
    await notify([removed]);
    let now = await status(p);
    expect(now.chores).toEqual([
      { kind: "graph-recreate", ref: SUBSCRIPTION.id, dueAt: fromStart(5 * MIN), attempts: 1, lastError: "create-503" },
    ]);
    expect(now.renewals).toEqual([
      { kind: "graph-recreate", ref: SUBSCRIPTION.id, at: START, ok: false, reason: "create-503" },
    ]);

    // Not before it is due: four minutes on, nothing runs.
    p.clock.advance(4 * MIN);
    expect(await p.followUps()).toBe(0);
    p.clock.advance(MIN);
    expect(await p.followUps()).toBe(1);
    now = await status(p);
    expect(now.chores).toMatchObject([{ dueAt: fromStart(15 * MIN), attempts: 2, lastError: "create-503" }]);
    p.clock.advance(10 * MIN);
    await p.followUps();
    now = await status(p);
    expect(now.chores).toEqual([]);
    expect(now.microsoft.subscriptions).toHaveLength(1);
    expect(now.microsoft.subscriptions[0].id).not.toBe(SUBSCRIPTION.id);
    expect((await attempts(p)).map((a) => a.outcome)).toEqual(["failed:create-503", "failed:create-503", "ok"]);
  });

  it("renews a subscription that expires within a day from the cron; one Graph forgot is made anew", async () => {
    const p = await calendarProgram();
    await configure(p, { subscriptionExpires: fromStart(6 * 3600_000) });
    const { graph } = graphSetup(p);
    graph.subscribe(SUBSCRIPTION.id, fromStart(6 * 3600_000));
    await p.cron();
    expect(graph.subscription(SUBSCRIPTION.id)).toBe(fromStart(3 * DAY_MS));
    expect((await status(p)).renewals).toEqual([
      { kind: "graph-renew", ref: SUBSCRIPTION.id, at: START, ok: true, expiresAt: fromStart(3 * DAY_MS) },
    ]);

    // A fresh program whose subscription Graph dropped silently: the PATCH answers 404, so it is re-created.
    const q = await calendarProgram();
    await configure(q, { subscriptionExpires: fromStart(6 * 3600_000) });
    const g = graphSetup(q);
    routeFetch({
      "graph.fake.test": g.graph.fetch,
      "calendar.fake.test": async () => Response.json({ items: [], nextSyncToken: "t1" }),
    });
    await q.cron();
    expect(g.graph.created).toHaveLength(1);
    expect((await attempts(q)).map((a) => [a.action, a.outcome])).toEqual([
      ["calendar.subscription-renew", "failed:renew-404"],
      ["calendar.subscription-recreate", "ok"],
    ]);
    expect((await status(q)).chores).toEqual([]);
  });

  it("leaves subscriptions with time to spare alone", async () => {
    const p = await calendarProgram();
    await configure(p, { subscriptionExpires: fromStart(2 * DAY_MS) });
    const { graph } = graphSetup(p);
    routeFetch({
      "graph.fake.test": graph.fetch,
      "calendar.fake.test": async () => Response.json({ items: [], nextSyncToken: "t1" }),
    });
    await p.cron();
    expect(graph.requests.filter((r) => r.url.pathname.includes("subscriptions"))).toEqual([]);
    expect((await status(p)).renewals).toEqual([]);
  });
});

describe("Google channels kept alive", () => {
  it("opens a new channel before the old one expires, with the program's newest token, audited and shown", async () => {
    const p = await calendarProgram();
    const google = fakeGoogle({ accessToken: env.GOOGLE_API_TOKEN, now: () => p.clock.now() });
    google.put(CAL, gcalEvent({ id: "evt1" }));
    routeFetch({ "calendar.fake.test": google.fetch });
    await configure(p, { channelExpires: iso(p.clock.now() + 3600_000) });
    // A newer token, set through the API, is the one the new channel carries.
    const rotated = await p.call("POST", `/v1/programs/${p.programId}/integrations/calendar/secrets`, {
      token: p.admin,
      body: { source: "google" },
    });
    expect(rotated.status).toBe(201);
    await p.cron();
    expect(google.watches).toEqual([
      { id: expect.any(String), calendarId: CAL, address: expect.any(String), token: rotated.body.secret },
    ]);
    const fresh = google.watches[0]?.id as string;
    const now = await status(p);
    expect(now.renewals).toEqual([
      {
        kind: "google-renew",
        ref: CHANNEL.id,
        at: START,
        ok: true,
        replacedBy: fresh,
        expiresAt: fromStart(7 * DAY_MS),
      },
    ]);
    expect(now.google.channels.map((c: { id: string }) => c.id)).toEqual([fresh]);
    expect(await attempts(p)).toContainEqual({
      actor: "calendar:google",
      action: "calendar.channel-renew",
      object: CHANNEL.id,
      outcome: "ok",
    });
  });
});
