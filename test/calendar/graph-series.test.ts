import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { iso } from "../dates.ts";
import { fakeGraph, graphEvent, graphNotification, graphTime } from "./fake-graph.ts";
import { atSecond, type CalendarProgram, calendarProgram, GRAPH_URL, on, routeFetch } from "./fixtures.ts";

afterEach(() => vi.restoreAllMocks());

const MASTER = "AAMkSeries";
const oid = (week: number) => `OID.${MASTER}.${on(7 * week, "09:00").slice(0, 10)}`;
const modified = (s: number) => iso(atSecond(s)).replace(/Z$/, ".1234567Z");

/** Week `week`'s occurrence of the series as Graph lists it under `instances` (an exception when moved). */
function occurrence(week: number, over: Record<string, unknown> = {}) {
  return graphEvent({
    id: `AAMkOcc${week}`,
    type: "occurrence",
    seriesMasterId: MASTER,
    occurrenceId: oid(week),
    start: graphTime(on(7 * week, "09:00")),
    end: graphTime(on(7 * week, "10:00")),
    ...over,
  });
}

/**
 * A weekly group booked in Outlook (issue 17, item 4): Graph notifies once, for the series master;
 * the product expands it through `instances` over its planning horizon, keys each occurrence by its
 * `occurrenceId`, follows an exception (one week moved) and a cancelled occurrence (listed only in
 * the master's `cancelledOccurrences`), and keeps the series in step when the master changes.
 */
describe("a weekly Microsoft 365 series", () => {
  async function setup() {
    const p = await calendarProgram();
    const graph = fakeGraph({ baseUrl: GRAPH_URL, accessToken: env.GRAPH_API_TOKEN, now: p.clock.now });
    routeFetch({ "graph.fake.test": graph.fetch });
    const master = (over: Record<string, unknown> = {}) =>
      graph.put("u-1", graphEvent({ id: MASTER, type: "seriesMaster", cancelledOccurrences: [], ...over }));
    // Each change of the master is its own notification: Graph's resourceData carries the new etag.
    let etag = 0;
    const notify = () =>
      p.post(
        "microsoft",
        graphNotification([
          {
            resource: `Users/u-1/Events/${MASTER}`,
            resourceData: { "@odata.type": "#Microsoft.Graph.Event", "@odata.etag": `W/"e${++etag}"`, id: MASTER },
          },
        ]),
        {},
      );
    return { p, graph, master, notify };
  }
  const when = async (p: CalendarProgram) =>
    (await p.sessions()).map((s) => [s.origin.type === "calendar" ? s.origin.externalId : null, s.status, s.startsAt]);

  it("books every occurrence from the one notification for the master, with an exception and a cancelled week", async () => {
    const { p, graph, master, notify } = await setup();
    master({ cancelledOccurrences: [oid(2)] });
    graph.put("u-1", occurrence(0));
    graph.put(
      "u-1",
      occurrence(1, { type: "exception", start: graphTime(on(8, "13:00")), end: graphTime(on(8, "14:00")) }),
    );
    graph.put("u-1", occurrence(3));
    const res = await notify();
    expect(res.status).toBe(202);
    await res.settled;
    expect(await when(p)).toEqual([
      [oid(0), "scheduled", on(0, "09:00")],
      [oid(1), "scheduled", on(8, "13:00")],
      [oid(3), "scheduled", on(21, "09:00")],
    ]);
    const asked = graph.requests.find((r) => r.url.pathname.endsWith(`/${MASTER}/instances`));
    expect(asked?.url.searchParams.get("startDateTime")).toBeTruthy();
    expect(asked?.url.searchParams.get("endDateTime")).toBeTruthy();
  });

  it("keeps the series in step when the master changes: a week cancelled later, another moved", async () => {
    const { p, graph, master, notify } = await setup();
    master();
    for (const w of [0, 1, 2, 3]) graph.put("u-1", occurrence(w));
    await (await notify()).settled;
    expect((await when(p)).map(([, s]) => s)).toEqual(["scheduled", "scheduled", "scheduled", "scheduled"]);
    p.clock.advance(60_000);
    master({ cancelledOccurrences: [oid(3)], lastModifiedDateTime: modified(60) });
    graph.remove("u-1", "AAMkOcc3");
    graph.put(
      "u-1",
      occurrence(2, {
        type: "exception",
        lastModifiedDateTime: modified(60),
        start: graphTime(on(15, "11:00")),
        end: graphTime(on(15, "12:00")),
      }),
    );
    await (await notify()).settled;
    expect(await when(p)).toEqual([
      [oid(0), "scheduled", on(0, "09:00")],
      [oid(1), "scheduled", on(7, "09:00")],
      [oid(2), "scheduled", on(15, "11:00")],
      [oid(3), "cancelled", on(21, "09:00")],
    ]);
  });

  it("cancels every occurrence when the whole series is deleted (Graph notifies the master only)", async () => {
    const { p, graph, master, notify } = await setup();
    master();
    for (const w of [0, 1, 2]) graph.put("u-1", occurrence(w));
    await (await notify()).settled;
    expect((await when(p)).map(([, s]) => s)).toEqual(["scheduled", "scheduled", "scheduled"]);
    const deleted = graphNotification([
      {
        changeType: "deleted",
        resource: `Users/u-1/Events/${MASTER}`,
        resourceData: { "@odata.type": "#Microsoft.Graph.Event", "@odata.etag": 'W/"gone"', id: MASTER },
      },
    ]);
    p.clock.advance(60_000);
    await (await p.post("microsoft", deleted, {})).settled;
    expect((await when(p)).map(([, s]) => s)).toEqual(["cancelled", "cancelled", "cancelled"]);
  });
});
