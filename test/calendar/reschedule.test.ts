import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeGoogle } from "./fake-google.ts";
import { fakeGraph, graphEvent, graphNotification } from "./fake-graph.ts";
import {
  booking,
  CAL,
  type CalendarProgram,
  CHANNEL,
  CLIENTS,
  calendarProgram,
  GRAPH_URL,
  gcalEvent,
  invitee,
  on,
  routeFetch,
  SECRETS,
} from "./fixtures.ts";
import { PERSONAL } from "./providers/fixtures.ts";
import { calcomHeaders, calendlyHeaders, standardHeaders } from "./providers/senders.ts";

/** Open the live channel as a browser would (the bearer as a subprotocol) and collect its messages. */
async function listen(p: CalendarProgram, sessionId: string, token: string) {
  const res = await p.app.request(
    `/v1/sessions/${sessionId}/live`,
    { headers: { upgrade: "websocket", "sec-websocket-protocol": `iop.v1, bearer.${token}` } },
    env,
  );
  const ws = res.webSocket as WebSocket;
  ws.accept();
  const messages: { type: string; [k: string]: unknown }[] = [];
  ws.addEventListener("message", (e) => messages.push(JSON.parse(e.data as string)));
  const next = async (type: string) => {
    for (let i = 0; i < 50 && !messages.some((m) => m.type === type); i++) await new Promise((r) => setTimeout(r, 20));
    return messages.find((m) => m.type === type);
  };
  return { ws, next };
}

async function calcom(p: CalendarProgram, trigger: string, over: Parameters<typeof booking>[1]) {
  const raw = JSON.stringify(booking(trigger, over));
  return p.post("calcom", raw, await calcomHeaders(SECRETS.calcom, raw));
}

afterEach(() => vi.restoreAllMocks());

describe("a reschedule from the calendar, end to end", () => {
  it("revokes the token for the old time, tells the connected client, and lets them join at the new time", async () => {
    const p = await calendarProgram();
    await calcom(p, "BOOKING_CREATED", {});
    const [session] = await p.sessions();
    const id = session?.id as string;
    // The booking is on Monday 09:00–10:00 in Los Angeles; ten minutes before it, the facilitator opens the room.
    p.clock.set(on(0, "08:50"));
    // Bearer tokens are short-lived: mint them at the moment of each call, as a client app would refresh them.
    const client = () => p.token("client", CLIENTS.calcom, p.programId);
    const join = async () => p.call("POST", `/v1/sessions/${id}/join`, { token: await client() });
    const open = async () =>
      p.call("POST", `/v1/sessions/${id}/open`, { token: await p.token("facilitator", "fac_1", p.programId) });
    expect((await open()).status).toBe(200);
    const first = await join();
    expect(first.status).toBe(200);
    expect(await p.introspect(first.body.token)).toMatchObject({ active: true, sid: id, sub: CLIENTS.calcom });
    const live = await listen(p, id, await client());

    p.clock.set(on(0, "08:52"));
    const moved = await calcom(p, "BOOKING_RESCHEDULED", {
      uid: "bk_next",
      rescheduleUid: "bk_7Hq2x9",
      createdAt: on(0, "08:52"),
      startTime: on(1, "09:00"),
      endTime: on(1, "10:00"),
    });
    expect(moved.body).toEqual({ status: "applied" });
    expect(await live.next("moved")).toEqual({
      type: "moved",
      startsAt: on(1, "09:00"),
      endsAt: on(1, "10:00"),
    });
    expect(await p.introspect(first.body.token)).toEqual({ active: false });
    expect((await join()).status).toBe(409);

    p.clock.set(on(1, "08:55"));
    let again = await join();
    if (again.status === 202) {
      await open();
      again = await join();
    }
    expect(again.status).toBe(200);
    expect(await p.introspect(again.body.token)).toMatchObject({ active: true, sid: id });

    const cancelled = await calcom(p, "BOOKING_CANCELLED", { uid: "bk_next", createdAt: on(1, "08:56") });
    expect(cancelled.status).toBe(200);
    expect(await live.next("room")).toMatchObject({ type: "room", state: "cancelled" });
    expect(await p.introspect(again.body.token)).toEqual({ active: false });
    expect((await join()).status).toBe(410);
    live.ws.close(1000, "done");
  });
});

describe("what calendar webhooks store and log", () => {
  it("keeps no title, name, answer or e-mail of any source in sessions, calendar tables or log lines", async () => {
    const lines: string[] = [];
    for (const method of ["log", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    const p = await calendarProgram();
    const google = fakeGoogle({ accessToken: env.GOOGLE_API_TOKEN, now: () => p.clock.now() });
    google.put(CAL, gcalEvent({ id: "evtP" }));
    const graph = fakeGraph({ baseUrl: GRAPH_URL, accessToken: env.GRAPH_API_TOKEN, now: p.clock.now });
    graph.put("u-1", graphEvent());
    routeFetch({ "calendar.fake.test": google.fetch, "graph.fake.test": graph.fetch });
    const now = Math.floor(p.clock.now() / 1000);

    const cal = JSON.stringify(booking("BOOKING_CREATED"));
    expect((await p.post("calcom", cal, await calcomHeaders(SECRETS.calcom, cal))).status).toBe(200);
    const cly = JSON.stringify(invitee("invitee.created"));
    expect((await p.post("calendly", cly, await calendlyHeaders(SECRETS.calendly, now, cly))).status).toBe(200);
    const std = JSON.stringify({
      type: "session.upserted",
      data: {
        externalId: "ehr-9",
        startsAt: on(0, "11:00"),
        endsAt: on(0, "12:00"),
        kind: "group",
        version: 1,
      },
    });
    expect((await p.post("standard", std, standardHeaders(SECRETS.standard, "msg_p", now, std))).status).toBe(200);
    expect((await p.post("microsoft", graphNotification([{}]), {})).status).toBe(202);
    const push = {
      "x-goog-channel-id": CHANNEL.id,
      "x-goog-channel-token": SECRETS.google,
      "x-goog-resource-id": CHANNEL.resourceId,
      "x-goog-resource-state": "exists",
      "x-goog-message-number": "2",
    };
    expect((await p.post("google", undefined, push)).status).toBe(200);

    const sessions = await p.sessions();
    expect(sessions.map((s) => s.origin.type === "calendar" && s.origin.source).sort()).toEqual([
      "calcom",
      "calendly",
      "google",
      "microsoft",
      "standard",
    ]);
    const stored = JSON.stringify([
      sessions,
      await p.rows("SELECT body FROM sessions"),
      ...(await Promise.all(
        [
          "calendar_events",
          "calendar_people",
          "calendar_aliases",
          "calendar_followups",
          "calendar_renewals",
          "calendar_deliveries",
          "calendar_emails",
        ].map((t) => p.rows(`SELECT * FROM ${t}`)),
      )),
    ]).toLowerCase();
    const logged = lines.join("\n").toLowerCase();
    for (const word of [...PERSONAL, "alice@clinic.example", "Jane"]) {
      expect(stored, word).not.toContain(word.toLowerCase());
      expect(logged, word).not.toContain(word.toLowerCase());
    }
    expect(lines.some((l) => l.includes("calendar.webhook"))).toBe(true);
  });
});
