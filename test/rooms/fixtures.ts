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
