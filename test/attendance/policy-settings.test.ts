import { describe, expect, it } from "vitest";
import { groupSession } from "../rooms/fixtures.ts";

/** The attendance policy is the program's: tolerances, threshold, daily minimum and rounding are settings. */
describe("attendance policy as program settings", () => {
  it("defaults, merges a patch field by field, and judges sessions by it; records carry seconds and clinicians", async () => {
    const s = await groupSession({ clients: 2, settings: { attendance: { lateToleranceMinutes: 5 } } });
    const program = await s.call("GET", `/v1/programs/${s.programId}`, { token: s.admin });
    expect(program.body.settings.attendance).toEqual({
      lateToleranceMinutes: 5,
      earlyLeaveToleranceMinutes: 10,
      presentThresholdPercent: 75,
      allowanceMinutes: 0,
      dailyMinimumHours: 3,
      rounding: "nearest",
    });
    const patched = await s.call("PATCH", `/v1/programs/${s.programId}`, {
      token: s.admin,
      body: { settings: { attendance: { presentThresholdPercent: 90 } } },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.settings.attendance).toMatchObject({ lateToleranceMinutes: 5, presentThresholdPercent: 90 });
    const bad = await s.call("PATCH", `/v1/programs/${s.programId}`, {
      token: s.admin,
      body: { settings: { attendance: { rounding: "up" } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe("settings.attendance.rounding");

    const [a, b] = s.clients as [string, string];
    await s.open();
    // Seven minutes late: on time under the default 10, late under this program's 5.
    s.clock.set(Date.parse(s.at(7)));
    expect((await s.join(a)).status).toBe(200);
    // Thirty seconds short of three hours: 180 minutes to the nearest minute.
    s.clock.set(Date.parse(s.at(0)) + 30_000);
    expect((await s.join(b)).status).toBe(200);
    s.clock.set(Date.parse(s.at(180)));
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: s.facilitator })).status).toBe(200);
    const ledger = await s.call("GET", `/v1/programs/${s.programId}/attendance?from=${s.day}&to=${s.day}`, {
      token: s.admin,
    });
    const byClient = Object.fromEntries(ledger.body.records.map((r: { clientId: string }) => [r.clientId, r]));
    expect(byClient[a]).toMatchObject({ status: "late", late: true, clinicianIds: ["fac_1"] });
    expect(byClient[b]).toMatchObject({ status: "present", attendedMinutes: 180, attendedSeconds: 179 * 60 + 30 });
  });
});
