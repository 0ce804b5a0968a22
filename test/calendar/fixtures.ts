import {
  createExecutionContext,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Temporal } from "temporal-polyfill";
import { vi } from "vitest";
import type { Session } from "../../schemas/session.ts";
import type { HttpFetch } from "../../src/calendar/providers/api-call.ts";
import { futureMonday, iso, LA, plusDays, zoned } from "../dates.ts";
import { createProgram, harness } from "../helpers.ts";
import { calcomBooking, calendlyInvitee, googleEvent } from "./providers/fixtures.ts";

/**
 * The fixtures' calendar, computed from the real today (test/dates.ts): sessions fall in the week
 * of `MONDAY`, a Monday weeks ahead with no UTC-offset change near it, and the harness starts on
 * the Friday before at 02:00:30 in the program's zone (Los Angeles). Durable Object alarms run on
 * the real clock, so nothing here may lie before the real now.
 */
export const MONDAY = futureMonday();
/** When every calendar program's clock starts: the Friday before `MONDAY`, 02:00:30 in Los Angeles. */
export const START = zoned(plusDays(MONDAY, -3), "02:00:30");
export const DAY_MS = 86_400_000;

/** The instant (`…Z`) of local `time` in Los Angeles, `days` after `MONDAY` (0 is the Monday). */
export function on(days: number, time: string): string {
  return zoned(plusDays(MONDAY, days), time, LA);
}

/** The same local time written with its UTC offset, as Google and Graph write it (`…T09:00:00-08:00` in winter). */
export function withOffset(days: number, time: string, fractionalSecondDigits: 0 | 7 = 0): string {
  return Temporal.PlainDateTime.from(`${plusDays(MONDAY, days)}T${time}`)
    .toZonedDateTime(LA)
    .toString({ timeZoneName: "never", fractionalSecondDigits });
}

/** Epoch ms `s` seconds into the minute the harness starts in (it starts 30 s in): when a provider stamped a change. */
export function atSecond(s: number): number {
  return Date.parse(START) - 30_000 + s * 1000;
}

/** `START` moved by `ms` (the product's lifetimes and windows are durations, not calendar days). */
export function fromStart(ms: number): string {
  return iso(Date.parse(START) + ms);
}

/** A Cal.com booking (test/calendar/providers/fixtures.ts), created at `atSecond(0)`, for Monday 09:00–10:00. */
export function booking(trigger: string, over: Parameters<typeof calcomBooking>[1] = {}) {
  return calcomBooking(trigger, {
    createdAt: new Date(atSecond(0)).toISOString(),
    startTime: on(0, "09:00"),
    endTime: on(0, "10:00"),
    ...over,
  });
}

/** Calendly's instants: microseconds, `Z`. */
export const calendlyTime = (ms: number) => new Date(ms).toISOString().replace("Z", "000Z");

/** A Calendly invitee (test/calendar/providers/fixtures.ts), created at `atSecond(0)`, of an event on Monday 09:00–10:00. */
export function invitee(event: string, over: Parameters<typeof calendlyInvitee>[1] = {}) {
  const body = calendlyInvitee(event, { createdAt: calendlyTime(atSecond(0)), ...over });
  body.payload.scheduled_event.start_time = calendlyTime(Date.parse(on(0, "09:00")));
  body.payload.scheduled_event.end_time = calendlyTime(Date.parse(on(0, "10:00")));
  return body;
}

/** A Google event's start and end: `days` after `MONDAY`, 09:00–12:00 local, written with the offset. */
export function googleDay(days: number) {
  return { start: { dateTime: withOffset(days, "09:00") }, end: { dateTime: withOffset(days, "12:00") } };
}

/** A Calendar API event (test/calendar/providers/fixtures.ts), updated at `atSecond(0)` + 123 ms, on Monday 09:00–12:00 local. */
export function gcalEvent(over: Record<string, unknown> = {}) {
  const { start, end } = googleDay(0);
  return googleEvent({
    updated: new Date(atSecond(0) + 123).toISOString(),
    start: { ...start, timeZone: LA },
    end: { ...end, timeZone: LA },
    ...over,
  });
}

/** One secret per source, as a program's entry in `WEBHOOK_SECRETS` holds them. */
export const SECRETS = {
  standard: `whsec_${btoa("iop standard secret, 32 bytes!!")}`,
  calcom: "calcom-webhook-secret-for-tests",
  calendly: "calendly-signing-key-for-tests",
  microsoft: "graph-client-state-secret",
  google: "google-channel-token-for-tests",
} as const;

export const CAL = "clinic.example_abc@group.calendar.google.com";
export const GOOGLE_URL = "https://calendar.fake.test/calendar/v3";
export const GRAPH_URL = "https://graph.fake.test/v1.0";
export const CHANNEL = { id: "chan-1", calendarId: CAL, resourceId: "res-1" };
export const SUBSCRIPTION = { id: "sub-1", resource: "users/u-1/events" };

/** Clients of the test program: two named by opaque id in the fixtures, two matched by e-mail only. */
export const CLIENTS = {
  calcom: "clt_4k9d2m7q1x",
  second: "clt_8z7y6x5w4v",
  jane: "clt_3h7k9m2p5r",
  robert: "clt_6w2x8c4v1b",
};
const EMAILS: Record<string, string> = {
  [CLIENTS.jane]: "jane.doe@example.com",
  [CLIENTS.robert]: "robert.roe@example.org",
};

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
type Reply = { status: number; body: any; text: string; headers: Headers };

/**
 * A program wired for calendars, its clock at `START` unless told otherwise: a track begun weeks
 * before, four enrolled clients (two with e-mail hashes), a mapping per source, one Google channel
 * and one Graph subscription, and per-request environment overrides (its `WEBHOOK_SECRETS` and the
 * fake APIs' base URLs).
 */
export async function calendarProgram(
  opts: {
    start?: string | number;
    secrets?: Partial<Record<keyof typeof SECRETS, string[]>>;
    /** Also set the Google and Graph secrets through the API (new channels and subscriptions carry them); default on. */
    apiSecrets?: boolean;
  } = {},
) {
  const h = harness(opts.start ?? START);
  const admin = await h.token("admin", "adm_1");
  const programId = await createProgram(h.call, admin);
  const track = await h.call("POST", `/v1/programs/${programId}/tracks`, {
    token: admin,
    body: {
      name: "T",
      days: ["SA"],
      startTime: "06:00",
      endTime: "07:00",
      startsOn: plusDays(MONDAY, -22),
      groupCap: 15,
    },
  });
  const trackId = track.body.id as string;
  const enrollments: Record<string, string> = {};
  for (const clientId of Object.values(CLIENTS)) {
    const e = await h.call("POST", `/v1/programs/${programId}/enrollments`, {
      token: admin,
      body: { clientId, trackId, startsOn: plusDays(MONDAY, -22) },
    });
    enrollments[clientId] = e.body.id;
    const email = EMAILS[clientId];
    if (email) await h.call("PUT", `/v1/enrollments/${e.body.id}/email`, { token: admin, body: { email } });
  }
  const individual = { kind: "individual", facilitatorIds: ["fac_1"] };
  const config = await h.call("PUT", `/v1/programs/${programId}/integrations/calendar`, {
    token: admin,
    body: {
      mappings: [
        { source: "standard", trackRef: "*", kind: "group", trackId, facilitatorIds: ["fac_1"] },
        { source: "calcom", trackRef: "4242", ...individual },
        {
          source: "calendly",
          trackRef: "https://api.calendly.com/event_types/ET1",
          kind: "group",
          facilitatorIds: ["fac_1"],
        },
        { source: "microsoft", trackRef: SUBSCRIPTION.id, ...individual },
        { source: "google", trackRef: CAL, kind: "group", trackId, facilitatorIds: ["fac_1"] },
      ],
      google: { channels: [CHANNEL], webhookUrl: "https://iop.example/v1/webhooks/calendar/x/google" },
      microsoft: { subscriptions: [SUBSCRIPTION] },
    },
  });
  if (config.status !== 200) throw new Error(`config not stored: ${config.text}`);

  const secrets = Object.fromEntries(Object.entries(SECRETS).map(([k, v]) => [k, [v]]));
  // Deliveries verify against this program's entry in WEBHOOK_SECRETS (the Worker passes it along);
  // the directory's own work (new channels and subscriptions) uses the secrets set through the API.
  const overrides: Partial<Env> = {
    WEBHOOK_SECRETS: JSON.stringify({ [programId]: { ...secrets, ...opts.secrets } }),
  };
  for (const source of opts.apiSecrets === false ? [] : (["google", "microsoft"] as const)) {
    const set = await h.call("POST", `/v1/programs/${programId}/integrations/calendar/secrets`, {
      token: admin,
      body: { source, secret: SECRETS[source] },
    });
    if (set.status !== 201) throw new Error(`secret not stored: ${set.text}`);
  }
  const stub = env.PROGRAMS.getByName(programId);

  /**
   * Run the directory's follow-up work as its alarm would, once due by the program's clock (the
   * fetches, syncs and renewals a delivery or the cron listed); returns how many runs it took.
   */
  const followUps = async (): Promise<number> => {
    let runs = 0;
    for (; runs < 10; runs++) {
      const at = await runInDurableObject(stub, (_o: unknown, state) => state.storage.getAlarm());
      if (at === null || at > h.clock.now()) break;
      await runDurableObjectAlarm(stub);
    }
    return runs;
  };
  /** The cron's calendar turn at the program's clock, and the follow-up work it lists. */
  const cron = async () => {
    await stub.scheduleCalendarFollowUps(h.clock.now());
    await followUps();
  };

  /** Call the app with the overrides and an ExecutionContext; waits for `waitUntil` and follow-up work unless told not to. */
  const send = async (
    method: string,
    path: string,
    o: { headers?: HeadersInit; body?: BodyInit; wait?: boolean } = {},
  ): Promise<Reply & { settled: Promise<void> }> => {
    const ctx = createExecutionContext();
    const res = await h.app.request(path, { method, headers: o.headers, body: o.body }, { ...env, ...overrides }, ctx);
    const text = await res.text();
    const settled = waitOnExecutionContext(ctx).then(async () => {
      await followUps();
    });
    if (o.wait !== false) await settled;
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, body, text, headers: res.headers, settled };
  };
  const webhook = (source: string) => `/v1/webhooks/calendar/${programId}/${source}`;
  const post = (source: string, body: string | undefined, headers: HeadersInit, o: { wait?: boolean } = {}) =>
    send("POST", webhook(source), {
      headers:
        body === undefined
          ? headers
          : { "content-type": "application/json", ...Object.fromEntries(new Headers(headers)) },
      body,
      ...o,
    });

  /** Calendar sessions of the program, read straight from the Durable Object's SQLite. */
  const sessions = () =>
    runInDurableObject(stub, (_o: unknown, state) =>
      state.storage.sql
        .exec<{ body: string }>("SELECT body FROM sessions WHERE origin_key LIKE 'cal:%' ORDER BY starts_at")
        .toArray()
        .map((r) => JSON.parse(r.body) as Session),
    );
  /** Rows of one table (for dedupe and privacy checks). */
  const rows = (sql: string) =>
    runInDurableObject(
      stub,
      (_o: unknown, state) => state.storage.sql.exec(sql).toArray() as Record<string, unknown>[],
    );
  const introspect = async (token: string) =>
    (await h.call("POST", "/v1/tokens/introspect", { token: await h.token("admin", "adm_1"), body: { token } })).body;

  return {
    ...h,
    admin,
    programId,
    trackId,
    enrollments,
    overrides,
    stub,
    send,
    post,
    webhook,
    sessions,
    rows,
    introspect,
    followUps,
    cron,
  };
}

export type CalendarProgram = Awaited<ReturnType<typeof calendarProgram>>;

/** Route the global `fetch` to in-process fakes by host (what the Worker calls after answering a push). */
export function routeFetch(routes: Record<string, HttpFetch>) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const route = routes[new URL(url).host];
    if (!route) throw new Error(`unexpected fetch to ${new URL(url).host}`);
    return route(url, init as Parameters<HttpFetch>[1]);
  });
}

/** Run `n` calls at once and count the answers by receipt status. */
export async function burst(n: number, call: () => Promise<Reply>) {
  const replies = await Promise.all(Array.from({ length: n }, call));
  const statuses = replies.map((r) => r.status);
  const receipts: Record<string, number> = {};
  for (const r of replies) receipts[r.body?.status ?? r.status] = (receipts[r.body?.status ?? r.status] ?? 0) + 1;
  return { statuses, receipts };
}

/** A body just over the 256 KB limit, valid JSON. */
export const OVERSIZE = JSON.stringify({ pad: "x".repeat(256 * 1024) });
/** Valid JSON nested far deeper than any provider sends. */
export const DEEP = `${"[".repeat(5000)}${"]".repeat(5000)}`;

/** Google's push to the program's channel, as Google sends it: headers only, numbered per channel. */
export function googlePusher(p: CalendarProgram) {
  let number = 1;
  return (over: Record<string, string> = {}, o: { wait?: boolean } = {}) =>
    p.post(
      "google",
      undefined,
      {
        "x-goog-channel-id": CHANNEL.id,
        "x-goog-channel-token": SECRETS.google,
        "x-goog-resource-id": CHANNEL.resourceId,
        "x-goog-resource-state": "exists",
        "x-goog-message-number": String(++number),
        "x-goog-channel-expiration": new Date(p.clock.now() + 3 * 86_400_000).toUTCString(),
        ...over,
      },
      o,
    );
}
