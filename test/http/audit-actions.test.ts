import { describe, expect, it } from "vitest";
import { isoWeek, plusDays, zoned } from "../dates.ts";
import { groupSession } from "../rooms/fixtures.ts";

/**
 * Staff actions and reads of patient data leave an entry on the program's trail (issue 15): each
 * step below is one API call, and the trail must name exactly that action on that object.
 */
describe("the trail records staff actions and reads of patient data", () => {
  it("program, track, session, enrollment, invite and integration changes, and roster, week and at-risk reads", async () => {
    const s = await groupSession({ clients: 1 });
    const trail = async () =>
      (await s.call("GET", `/v1/programs/${s.programId}/audit?limit=500`, { token: s.admin })).body.entries as {
        action: string;
        object: string;
        actor: string;
        outcome: string;
      }[];
    const before = (await trail()).length;
    const ok = async (method: string, path: string, body?: unknown, token = s.admin) => {
      const res = await s.call(method, path, { token, ...(body === undefined ? {} : { body }) });
      expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
      return res.body;
    };
    await ok("PATCH", `/v1/programs/${s.programId}`, { settings: { graceMinutes: 12 } });
    const track = await ok("POST", `/v1/programs/${s.programId}/tracks`, {
      name: "Evenings",
      days: ["TU"],
      startTime: "18:00",
      endTime: "21:00",
      startsOn: plusDays(s.day, 1),
    });
    await ok("PATCH", `/v1/tracks/${track.id}`, { endTime: "20:30" });
    const session = await ok("POST", `/v1/programs/${s.programId}/sessions`, {
      kind: "individual",
      startsAt: zoned(plusDays(s.day, 2), "10:00"),
      endsAt: zoned(plusDays(s.day, 2), "11:00"),
      clientIds: ["clt_solo"],
      facilitatorIds: ["fac_9"],
    });
    await ok("PATCH", `/v1/sessions/${session.id}`, {
      startsAt: zoned(plusDays(s.day, 2), "12:00"),
      endsAt: zoned(plusDays(s.day, 2), "13:00"),
    });
    await ok("POST", `/v1/sessions/${session.id}/cancel`);
    const enrollment = await ok("POST", `/v1/programs/${s.programId}/enrollments`, {
      clientId: "clt_new",
      trackId: track.id,
      startsOn: plusDays(s.day, 1),
    });
    await ok("PATCH", `/v1/enrollments/${enrollment.id}`, { status: "stepped-down" });
    await ok("DELETE", `/v1/enrollments/${enrollment.id}/invite`);
    await ok("POST", `/v1/tracks/${track.id}/end`);
    await ok("GET", `/v1/sessions/${s.sessionId}/attendance`, undefined, s.facilitator);
    await ok("GET", `/v1/programs/${s.programId}/clients/${s.clients[0]}/attendance?week=${isoWeek(s.day)}`);
    await ok("GET", `/v1/programs/${s.programId}/attendance/at-risk?week=${isoWeek(s.day)}`);
    const added = (await trail()).slice(before).map((e) => [e.action, e.object, e.outcome]);
    expect(added).toEqual(
      expect.arrayContaining([
        ["program.update", s.programId, "settings"],
        ["track.create", track.id, "group"],
        ["track.update", track.id, "ok"],
        ["session.create", session.id, "individual"],
        ["session.move", session.id, "v2"],
        ["session.cancel", session.id, "v3"],
        ["enrollment.create", enrollment.id, "active"],
        ["enrollment.update", enrollment.id, `stepped-down:${track.id}`],
        ["invite.revoke", enrollment.id, "revoked:0"],
        ["track.end", track.id, "ok"],
        ["attendance.read", s.sessionId, "roster"],
        ["attendance.read", s.clients[0], `week:${isoWeek(s.day)}`],
        ["attendance.read", s.programId, `at-risk:${isoWeek(s.day)}`],
      ]),
    );
    // Who did it is on every entry: the facilitator read the roster, the admin did the rest.
    const roster = (await trail()).find((e) => e.action === "attendance.read" && e.outcome === "roster");
    expect(roster?.actor).toBe("fac_1");
  });
});
