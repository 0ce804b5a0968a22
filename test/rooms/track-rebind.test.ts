import { describe, expect, it } from "vitest";
import { futureMonday, plusDays, plusMinutes, zoned } from "../dates.ts";
import { createProgram, harness } from "../helpers.ts";
import { connect } from "./fixtures.ts";

/**
 * A track change reaches the rooms already open: the directory names them and the route rebinds
 * them at once, so a client in the waiting room hears of a move or an ended track without waiting
 * for their next request.
 */
async function trackSession() {
  const day = futureMonday();
  const startsAt = zoned(day, "09:00");
  const h = harness(plusMinutes(startsAt, -10));
  const admin = await h.token("admin", "adm_1");
  const programId = await createProgram(h.call, admin);
  const track = await h.call("POST", `/v1/programs/${programId}/tracks`, {
    token: admin,
    body: {
      name: "Mornings",
      days: ["MO"],
      startTime: "09:00",
      endTime: "12:00",
      startsOn: plusDays(day, -7),
      facilitatorIds: ["fac_1"],
    },
  });
  expect(track.status, track.text).toBe(201);
  const enrolled = await h.call("POST", `/v1/programs/${programId}/enrollments`, {
    token: admin,
    body: { clientId: "clt_0001", trackId: track.body.id, startsOn: plusDays(day, -7) },
  });
  expect(enrolled.status, enrolled.text).toBe(201);
  const listed = await h.call(
    "GET",
    `/v1/programs/${programId}/sessions?from=${plusMinutes(startsAt, -1)}&to=${plusMinutes(startsAt, 1)}`,
    { token: admin },
  );
  const sessionId = listed.body.sessions[0]?.id as string;
  expect(sessionId).toMatch(/^ses_/);
  const client = await h.token("client", "clt_0001", programId);
  const facilitator = await h.token("facilitator", "fac_1", programId);
  expect((await h.call("POST", `/v1/sessions/${sessionId}/open`, { token: facilitator })).status).toBe(200);
  return { ...h, admin, programId, trackId: track.body.id as string, sessionId, client, startsAt };
}

describe("a track change reaches its open rooms at once", () => {
  it("moving the track's time tells the waiting client, and their token stops", async () => {
    const s = await trackSession();
    const joined = await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: s.client });
    expect(joined.status, joined.text).toBe(200);
    const live = await connect({ ...s, sessionId: s.sessionId } as never, s.client);
    await live.next("hello");
    const patched = await s.call("PATCH", `/v1/tracks/${s.trackId}`, {
      token: s.admin,
      body: { startTime: "10:00", endTime: "13:00" },
    });
    expect(patched.status, patched.text).toBe(200);
    const moved = await live.next("moved");
    expect(moved.startsAt).toBe(plusMinutes(s.startsAt, 60));
    const state = await s.call("POST", "/v1/tokens/introspect", { token: s.admin, body: { token: joined.body.token } });
    expect(state.body).toEqual({ active: false });
    live.ws.close();
  });

  it("ending the track cancels today's session in its room while the client waits", async () => {
    const s = await trackSession();
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: s.client })).status).toBe(200);
    const live = await connect({ ...s, sessionId: s.sessionId } as never, s.client);
    await live.next("hello");
    const ended = await s.call("POST", `/v1/tracks/${s.trackId}/end`, { token: s.admin });
    expect(ended.status, ended.text).toBe(200);
    const room = await live.next("room");
    expect(room.state).toBe("cancelled");
    live.ws.close();
  });
});
