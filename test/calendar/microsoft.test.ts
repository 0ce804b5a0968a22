import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { iso } from "../dates.ts";
import { fakeGraph, graphEvent, graphNotification, graphTime } from "./fake-graph.ts";
import {
  atSecond,
  burst,
  type CalendarProgram,
  CLIENTS,
  calendarProgram,
  DAY_MS,
  DEEP,
  fromStart,
  GRAPH_URL,
  OVERSIZE,
  on,
  routeFetch,
  START,
} from "./fixtures.ts";

const CLIENT_IDS = "String {00020329-0000-0000-C000-000000000046} Name clientIds";

function setup(p: CalendarProgram) {
  const graph = fakeGraph({ baseUrl: GRAPH_URL, accessToken: env.GRAPH_API_TOKEN, now: p.clock.now });
  graph.put("u-1", graphEvent({ singleValueExtendedProperties: [{ id: CLIENT_IDS, value: CLIENTS.calcom }] }));
  routeFetch({ "graph.fake.test": graph.fetch });
  const notify = (items: Record<string, unknown>[] = [{}], o: { wait?: boolean } = {}) =>
    p.post("microsoft", graphNotification(items), {}, o);
  return { graph, notify };
}

afterEach(() => vi.restoreAllMocks());

describe("Microsoft Graph subscriptions", () => {
  it("echoes the validation token byte for byte as text/plain, with no side effect", async () => {
    const p = await calendarProgram();
    const token = "a b <script>alert(1)</script>";
    const before = await p.rows("SELECT * FROM calendar_config");
    const res = await p.send("POST", `${p.webhook("microsoft")}?validationToken=${encodeURIComponent(token)}`, {
      headers: { "content-type": "text/plain" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.text).toBe(token);
    expect(await p.rows("SELECT * FROM calendar_deliveries")).toEqual([]);
    expect(await p.rows("SELECT * FROM calendar_config")).toEqual(before);
    const unknown = "/v1/webhooks/calendar/prg_00000000000000000000/microsoft?validationToken=x";
    expect((await p.send("POST", unknown, { headers: { "content-type": "text/plain" } })).status).toBe(404);
  });

  it("acknowledges within 3 s while Graph is slow, then fetches the event and creates the session", async () => {
    const p = await calendarProgram();
    const { graph, notify } = setup(p);
    graph.slowDown(4000);
    const started = performance.now();
    const res = await notify([{}], { wait: false });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: "accepted" });
    await res.settled;
    expect(await p.sessions()).toMatchObject([
      {
        kind: "individual",
        startsAt: on(0, "09:00"),
        endsAt: on(0, "10:00"),
        clientIds: [CLIENTS.calcom, CLIENTS.jane].sort(),
        facilitatorIds: ["fac_1"],
        origin: { source: "microsoft", externalId: "AAMk1" },
      },
    ]);
    const [fetched] = graph.requests;
    expect(fetched?.url.pathname).toBe("/v1.0/Users/u-1/Events/AAMk1");
    expect(fetched?.headers).toMatchObject({
      prefer: 'outlook.timezone="UTC"',
      authorization: `Bearer ${env.GRAPH_API_TOKEN}`,
    });
  });

  it("refuses a wrong clientState, ignores subscriptions it does not own, and fetches a duplicate once", async () => {
    const p = await calendarProgram();
    const { graph, notify } = setup(p);
    expect((await notify([{ clientState: "guess" }])).status).toBe(401);
    expect((await notify([{}, { clientState: "guess" }])).status).toBe(401);
    expect((await notify([{ subscriptionId: "sub-someone-else" }])).body).toEqual({ status: "ignored" });
    expect(graph.requests).toEqual([]);
    const seq = [];
    for (let i = 0; i < 5; i++) seq.push((await notify()).body.status);
    expect(seq).toEqual(["accepted", "duplicate", "duplicate", "duplicate", "duplicate"]);
    const other = [{ changeType: "created" }];
    expect((await burst(20, () => notify(other))).receipts).toEqual({ accepted: 1, duplicate: 19 });
    expect(graph.requests).toHaveLength(2);
    expect(await p.sessions()).toMatchObject([{ version: 1 }]);
  });

  it("is order-insensitive: a deletion before the creation it follows, an older version after a newer one", async () => {
    const p = await calendarProgram();
    const { graph, notify } = setup(p);
    // Graph reports the deletion first; the late "created" still finds the event (a lagging replica).
    await notify([{ changeType: "deleted" }]);
    await notify([{ changeType: "created" }]);
    expect(graph.requests).toHaveLength(1);
    expect(await p.sessions()).toEqual([]);

    const q = await calendarProgram();
    const g = setup(q);
    const later = graphTime(on(2, "09:00"));
    const laterEnd = graphTime(on(2, "10:00"));
    g.graph.put("u-1", graphEvent({ lastModifiedDateTime: iso(atSecond(20)), start: later, end: laterEnd }));
    await g.notify([{ changeType: "created" }]);
    g.graph.put("u-1", graphEvent({ lastModifiedDateTime: iso(atSecond(10)) }));
    await g.notify([{ changeType: "updated" }]);
    expect(await q.sessions()).toMatchObject([{ startsAt: on(2, "09:00"), version: 1 }]);
    expect(g.graph.requests).toHaveLength(2);
  });

  it("renews on reauthorizationRequired, resyncs after missed, and shows a removal it cannot mend as a chore", async () => {
    const p = await calendarProgram();
    const { graph, notify } = setup(p);
    // Expiring a day after the start's minute; renewed for three days from the program's now.
    graph.subscribe("sub-1", iso(atSecond(0) + DAY_MS));
    const renew = await notify([
      { lifecycleEvent: "reauthorizationRequired", changeType: undefined, resource: undefined },
    ]);
    expect(renew.status).toBe(202);
    expect(graph.subscription("sub-1")).toBe(fromStart(3 * DAY_MS));
    const config = await p.call("GET", `/v1/programs/${p.programId}/integrations/calendar`, { token: p.admin });
    expect(config.body.microsoft.subscriptions).toEqual([
      { id: "sub-1", resource: "users/u-1/events", expiresAt: fromStart(3 * DAY_MS) },
    ]);

    await notify([{ lifecycleEvent: "missed", changeType: undefined, resource: undefined }]);
    const list = graph.requests.find((r) => r.url.pathname === "/v1.0/users/u-1/events");
    expect(list?.url.searchParams.get("$filter")).toBe(`lastModifiedDateTime ge ${fromStart(-3 * DAY_MS)}`);
    expect(await p.sessions()).toHaveLength(1);

    await notify([{ lifecycleEvent: "subscriptionRemoved", changeType: undefined, resource: undefined }]);
    // Without the program's Microsoft webhook URL the subscription cannot be made anew: it waits, visibly.
    const after = await p.call("GET", `/v1/programs/${p.programId}/integrations/calendar`, { token: p.admin });
    expect(after.body.chores).toEqual([
      { kind: "graph-recreate", ref: "sub-1", dueAt: fromStart(5 * 60_000), attempts: 1, lastError: "not-configured" },
    ]);
    expect(after.body.renewals).toContainEqual({
      kind: "graph-recreate",
      ref: "sub-1",
      at: START,
      ok: false,
      reason: "not-configured",
    });
  });

  it("keeps a fetch that failed and retries it on the next cron run", async () => {
    const p = await calendarProgram();
    const { graph, notify } = setup(p);
    const failing = vi.fn(async () => new Response("{}", { status: 503 }));
    vi.restoreAllMocks();
    routeFetch({ "graph.fake.test": failing });
    await notify();
    expect(failing).toHaveBeenCalledTimes(1);
    expect(await p.sessions()).toEqual([]);
    routeFetch({ "graph.fake.test": graph.fetch });
    p.clock.advance(6 * 60_000);
    await p.cron();
    expect(await p.sessions()).toHaveLength(1);
  });

  it("answers 413 before anything, 415 for a non-JSON notification, 400 for a malformed or deep one", async () => {
    const p = await calendarProgram();
    setup(p);
    expect((await p.post("microsoft", OVERSIZE, {})).status).toBe(413);
    expect((await p.post("microsoft", graphNotification([{}]), { "content-type": "text/plain" })).status).toBe(415);
    for (const raw of ['{"value":[', DEEP, '{"value":[]}'])
      expect((await p.post("microsoft", raw, {})).status).toBe(400);
    expect(await p.sessions()).toEqual([]);
  });
});
