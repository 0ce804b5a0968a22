import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { prepareUpcoming } from "../../src/rooms/rebind.ts";
import { callName } from "../../src/tokens/call-name.ts";
import { routeFetch } from "../calendar/fixtures.ts";
import { type RealtimeKitCall, realtimeKitStandIn } from "../stand-ins/realtimekit-server.ts";
import { groupSession } from "./fixtures.ts";

// Issue 18: where the program shows names (`displayNamesInCall`), a person pre-enrolled by the room's
// alarm (under their alias: names live only in the program's directory and reach a join alone) is shown
// under the name a join gives them. The join renames the participant with RealtimeKit's documented
// "Edit a participant's detail" (PATCH …/participants/{id}) once, when the name differs, and not again;
// the room keeps a keyed tag of the name, never the name.
afterEach(() => vi.restoreAllMocks());

const SAM = "Sam Rivera";
const shape = (calls: RealtimeKitCall[]) =>
  calls.map((c) => `${c.method} ${c.path.replace(/[0-9a-f-]{36}/g, ":id").replace(/\?.*$/, "")}`);

async function preEnrolled(settings: Record<string, unknown>) {
  const s = await groupSession({ clients: 2, cap: 2, settings: { videoProvider: "realtimekit", ...settings } });
  const rtk = realtimeKitStandIn({
    accountId: env.REALTIMEKIT_ACCOUNT_ID,
    appId: env.REALTIMEKIT_APP_ID,
    apiToken: env.REALTIMEKIT_API_TOKEN,
    baseUrl: env.REALTIMEKIT_API_URL,
    now: () => s.clock.now(),
    // Tokens that outlast the session: no refresh gets between the joins and what they call.
    tokenTtlSeconds: 8 * 3600,
  });
  routeFetch({ "realtimekit.fake.test": rtk.fetch as never });
  const room = env.ROOMS.getByName(s.sessionId);
  const setName = (id: string, displayName: string) =>
    s.call("PUT", `/v1/programs/${s.programId}/people/${id}/display-name`, {
      token: s.facilitator,
      body: { displayName },
    });
  // The alarm pre-enrols everyone two hours before the window, under their aliases.
  s.clock.set(s.at(-150));
  expect(await prepareUpcoming(env, s.programId, s.clock.now())).toBe(1);
  s.clock.set(s.at(-135));
  await runDurableObjectAlarm(room);
  s.clock.set(s.at(-10));
  await s.open();
  s.clock.set(s.at(-5));
  const [meetingId] = [...rtk.meetings.keys()] as [string];
  const shownAs = (id: string) => rtk.participantsOf(meetingId, id).map((p) => p.name);
  return { s, rtk, room, setName, shownAs };
}

describe("RealtimeKit shows the name a join gives, for people the alarm pre-enrolled", () => {
  it("renames the pre-enrolled participant once, on the first join that gives another name", async () => {
    const { s, rtk, room, setName, shownAs } = await preEnrolled({ displayNamesInCall: true });
    const [named, unnamed] = s.clients as [string, string];
    const alias = callName("client", named, null);
    expect(shownAs(named)).toEqual([alias]);
    expect((await setName(named, SAM)).status).toBe(200);

    let before = rtk.calls.length;
    const joined = await s.join(named);
    expect(joined.status, joined.text).toBe(200);
    expect(shape(rtk.calls.slice(before))).toEqual(["PATCH /meetings/:id/participants/:id"]);
    expect(JSON.parse(rtk.calls.at(-1)?.body as string)).toEqual({ name: SAM });
    expect(shownAs(named)).toEqual([SAM]);
    expect(rtk.tokenInfo(joined.body.token)).toMatchObject({ customParticipantId: named, valid: true });

    // Once: the next join of the same name calls nothing.
    before = rtk.calls.length;
    expect((await s.join(named)).status).toBe(200);
    expect(rtk.calls.length).toBe(before);
    // Someone without a name keeps the alias they were added under: no call either.
    expect((await s.join(unnamed)).status).toBe(200);
    expect(rtk.calls.length).toBe(before);
    expect(shownAs(unnamed)).toEqual([callName("client", unnamed, null)]);

    // A new name is passed on at the next join; never a second participant.
    expect((await setName(named, "Sam R.")).status).toBe(200);
    expect((await s.join(named)).status).toBe(200);
    expect(shape(rtk.calls.slice(before))).toEqual(["PATCH /meetings/:id/participants/:id"]);
    expect(shownAs(named)).toEqual(["Sam R."]);
    expect(rtk.calls.filter((c) => c.method === "POST" && c.path.endsWith("/participants"))).toHaveLength(4);

    // The room keeps a tag of the name, not the name.
    const stored = await runInDurableObject(room, (_r, state) =>
      JSON.stringify([
        state.storage.sql.exec("SELECT * FROM meta").toArray(),
        state.storage.sql.exec("SELECT * FROM rtk_enrolments").toArray(),
      ]),
    );
    expect(stored).not.toMatch(/Sam/);
  });

  it("the program turning names off takes the name back to the alias at the person's next join", async () => {
    const { s, rtk, setName, shownAs } = await preEnrolled({ displayNamesInCall: true });
    const [client] = s.clients as [string];
    await setName(client, SAM);
    expect((await s.join(client)).status).toBe(200);
    expect(shownAs(client)).toEqual([SAM]);
    const off = await s.call("PATCH", `/v1/programs/${s.programId}`, {
      token: s.admin,
      body: { settings: { displayNamesInCall: false } },
    });
    expect(off.status, off.text).toBe(200);
    const before = rtk.calls.length;
    expect((await s.join(client)).status).toBe(200);
    expect(shape(rtk.calls.slice(before))).toEqual(["PATCH /meetings/:id/participants/:id"]);
    expect(shownAs(client)).toEqual([callName("client", client, null)]);
  });

  it("where the program shows aliases, a named person's join calls nothing: the alias is already right", async () => {
    const { s, rtk, setName, shownAs } = await preEnrolled({});
    const [client] = s.clients as [string];
    await setName(client, SAM);
    const before = rtk.calls.length;
    expect((await s.join(client)).status).toBe(200);
    expect(rtk.calls.length).toBe(before);
    expect(shownAs(client)).toEqual([callName("client", client, null)]);
  });

  it("a rename RealtimeKit cannot take now answers 503 with the seat kept; the next join renames", async () => {
    const { s, rtk, setName, shownAs } = await preEnrolled({ displayNamesInCall: true });
    const [client] = s.clients as [string];
    await setName(client, SAM);
    rtk.failNext(503);
    const failed = await s.join(client);
    expect(failed.status).toBe(503);
    expect(failed.headers.get("retry-after")).toBe("10");
    const again = await s.join(client);
    expect(again.status, again.text).toBe(200);
    expect(shownAs(client)).toEqual([SAM]);
  });
});
