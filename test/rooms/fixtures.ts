import { createProgram, harness } from "../helpers.ts";

/** Personal strings that must never appear in a token, room name, key or log. */
export const PERSONAL = ["Jane Doe", "jane.doe@example.com", "+1-555-0100", "Opioid Recovery Group"];

/**
 * A program with one group session starting at 17:00Z on 2026-11-23 (09:00 in Los Angeles),
 * its facilitator, and `clients` enrolled clients who may join (make-up allowed across tracks).
 */
export async function groupSession(opts: { clients?: number; cap?: number; settings?: Record<string, unknown> } = {}) {
  const h = harness("2026-11-23T16:50:00Z");
  const admin = await h.token("admin", "adm_1");
  const programId = await createProgram(h.call, admin, { settings: { allowMakeUp: true, ...opts.settings } });
  const clients = Array.from({ length: opts.clients ?? 3 }, (_, i) => `clt_${String(i).padStart(4, "0")}`);
  const trackIds: string[] = [];
  for (let i = 0; i * 15 < Math.max(clients.length, 1); i++) {
    const track = await h.call("POST", `/v1/programs/${programId}/tracks`, {
      token: admin,
      body: { name: `T${i}`, days: ["SA"], startTime: "06:00", endTime: "07:00", startsOn: "2026-11-01", groupCap: 15 },
    });
    trackIds.push(track.body.id);
  }
  await Promise.all(
    clients.map((clientId, i) =>
      h.call("POST", `/v1/programs/${programId}/enrollments`, {
        token: admin,
        body: { clientId, trackId: trackIds[Math.floor(i / 15)], startsOn: "2026-11-01" },
      }),
    ),
  );
  const session = await h.call("POST", `/v1/programs/${programId}/sessions`, {
    token: admin,
    body: {
      kind: "group",
      trackId: trackIds[0],
      startsAt: "2026-11-23T17:00:00Z",
      endsAt: "2026-11-23T20:00:00Z",
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
  return { ...h, admin, programId, sessionId, clients, facilitator, clientToken, join, open };
}
