import { describe, expect, it } from "vitest";
import type { FhirBundle } from "../../schemas/fhir.ts";
import { isoWeek, plusDays, zoned } from "../dates.ts";
import { groupSession } from "../rooms/fixtures.ts";

describe("a client's FHIR week, as staff and as the client", () => {
  it("a cancelled session the client was booked into stays in their export after a later discharge", async () => {
    const s = await groupSession({ clients: 2 });
    const [a] = s.clients as [string];
    const tracks = await s.call("GET", `/v1/programs/${s.programId}/tracks`, { token: s.admin });
    const trackId = tracks.body.tracks[0].id as string;
    const tomorrow = plusDays(s.day, 1);
    const made = await s.call("POST", `/v1/programs/${s.programId}/sessions`, {
      token: s.admin,
      body: {
        kind: "group",
        trackId,
        startsAt: zoned(tomorrow, "09:00"),
        endsAt: zoned(tomorrow, "12:00"),
        facilitatorIds: ["fac_2"],
      },
    });
    expect(made.status, made.text).toBe(201);
    expect((await s.call("POST", `/v1/sessions/${made.body.id}/cancel`, { token: s.admin })).status).toBe(200);
    s.clock.set(Date.parse(zoned(plusDays(s.day, 2), "09:00")));
    const admin = await s.token("admin", "adm_1");
    const es = await s.call("GET", `/v1/programs/${s.programId}/enrollments`, { token: admin });
    const mine = es.body.enrollments.find((e: { clientId: string }) => e.clientId === a);
    const url0 = `/v1/programs/${s.programId}/clients/${a}/attendance?week=${isoWeek(s.day)}`;
    const before = await s.call("GET", url0, { token: admin, headers: { accept: "application/fhir+json" } });
    expect(
      (before.body as FhirBundle).entry.map((e) => e.resource.identifier[0]?.value),
      "before the discharge",
    ).toContain(`${made.body.id}/${a}`);
    const d = await s.call("PATCH", `/v1/enrollments/${mine.id}`, { token: admin, body: { status: "discharged" } });
    expect(d.status, d.text).toBe(200);
    const url = `/v1/programs/${s.programId}/clients/${a}/attendance?week=${isoWeek(s.day)}`;
    const ids = async (token: string) => {
      const r = await s.call("GET", url, { token, headers: { accept: "application/fhir+json" } });
      expect(r.status, r.text).toBe(200);
      return (r.body as FhirBundle).entry.map((e) => e.resource.identifier[0]?.value);
    };
    const staff = await ids(admin);
    const own = await ids(await s.clientToken(a));
    expect(staff, "after the discharge").toContain(`${made.body.id}/${a}`);
    expect({ staff, own }).toEqual({ staff, own: staff });
  });
});
