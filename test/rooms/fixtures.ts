import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { futureMonday, plusDays, plusMinutes, zoned } from "../dates.ts";
import { createProgram, harness } from "../helpers.ts";

/** Personal strings that must never appear in a token, room name, key or log. */
export const PERSONAL = ["Jane Doe", "jane.doe@example.com", "+1-555-0100", "Opioid Recovery Group"];

/**
 * A program (Los Angeles) with one group session 09:00–12:00 local on a Monday weeks ahead of the
 * real today (alarms run on the real clock), its facilitator, and `clients` enrolled clients who may
 * join (make-up allowed across tracks). The injected clock starts 10 minutes before the session;
 * `at(m)` is the instant `m` minutes after its start.
 */
export async function groupSession(opts: { clients?: number; cap?: number; settings?: Record<string, unknown> } = {}) {
  const day = futureMonday();
  const startsAt = zoned(day, "09:00");
  const endsAt = zoned(day, "12:00");
  const at = (minutes: number) => plusMinutes(startsAt, minutes);
  const enrolledFrom = plusDays(day, -21);
  const h = harness(at(-10));
  const admin = await h.token("admin", "adm_1");
  const programId = await createProgram(h.call, admin, { settings: { allowMakeUp: true, ...opts.settings } });
  const clients = Array.from({ length: opts.clients ?? 3 }, (_, i) => `clt_${String(i).padStart(4, "0")}`);
  const trackIds: string[] = [];
  for (let i = 0; i * 15 < Math.max(clients.length, 1); i++) {
    const track = await h.call("POST", `/v1/programs/${programId}/tracks`, {
      token: admin,
      body: { name: `T${i}`, days: ["SA"], startTime: "06:00", endTime: "07:00", startsOn: enrolledFrom, groupCap: 15 },
    });
    trackIds.push(track.body.id);
  }
  await Promise.all(
    clients.map((clientId, i) =>
      h.call("POST", `/v1/programs/${programId}/enrollments`, {
        token: admin,
        body: { clientId, trackId: trackIds[Math.floor(i / 15)], startsOn: enrolledFrom },
      }),
    ),
  );
  const session = await h.call("POST", `/v1/programs/${programId}/sessions`, {
    token: admin,
    body: {
      kind: "group",
      trackId: trackIds[0],
      startsAt,
      endsAt,
      facilitatorIds: ["fac_1"],
      observerIds: ["adm_obs"],
      cap: opts.cap ?? 12,
    },
  });
  if (session.status !== 201) throw new Error(session.text);
  const sessionId = session.body.id as string;
  const facilitator = await h.token("facilitator", "fac_1", programId);
  const clientToken = (id: string) => h.token("client", id, programId);
  const join = async (id: string) => h.call("POST", `/v1/sessions/${sessionId}/join`, { token: await clientToken(id) });
  const open = () => h.call("POST", `/v1/sessions/${sessionId}/open`, { token: facilitator });
  return {
    ...h,
    day,
    startsAt,
    endsAt,
    at,
    admin,
    programId,
    sessionId,
    clients,
    facilitator,
    clientToken,
    join,
    open,
  };
}

/** The id of a client's enrollment in the session's program, through the API. */
export async function enrollmentOf(s: Awaited<ReturnType<typeof groupSession>>, clientId: string): Promise<string> {
  const res = await s.call("GET", `/v1/programs/${s.programId}/enrollments`, { token: s.admin });
  const found = res.body.enrollments.find((e: { clientId: string }) => e.clientId === clientId);
  if (!found) throw new Error(`no enrollment for ${clientId}: ${res.text}`);
  return found.id;
}

/** Open the live channel through the app, with the bearer as a subprotocol as a browser would. */
export async function connect(s: Awaited<ReturnType<typeof groupSession>>, token: string) {
  const res = await s.app.request(
    `/v1/sessions/${s.sessionId}/live`,
    { headers: { upgrade: "websocket", "sec-websocket-protocol": `iop.v1, bearer.${token}` } },
    env,
  );
  expect(res.status).toBe(101);
  const ws = res.webSocket as WebSocket;
  ws.accept();
  const messages: { type: string; [k: string]: unknown }[] = [];
  const waiters: (() => void)[] = [];
  ws.addEventListener("message", (e) => {
    messages.push(JSON.parse(e.data as string));
    for (const w of waiters.splice(0)) w();
  });
  const next = async (type: string) => {
    for (let i = 0; i < 50; i++) {
      const found = messages.find((m) => m.type === type);
      if (found) return found;
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
    throw new Error(`no ${type} message; got ${JSON.stringify(messages)}`);
  };
  return { ws, messages, next };
}
