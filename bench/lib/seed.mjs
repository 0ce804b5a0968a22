// Seeds the benchmark's world through the public API only: one program that allows make-up
// sessions, tracks of 15 with one enrollment per client, and many ad-hoc group sessions (cap 12,
// one facilitator each) starting a few minutes from now, with their rooms open.

import { wranglerVar } from "../../scripts/lib/wrangler-vars.mjs";
import { newId } from "../../src/lib/ids.ts";
import { mintApiToken } from "../../src/tokens/api-token.ts";
import { loadKeyRing } from "../../src/tokens/keys.ts";
import { pool } from "./util.mjs";

/** Seats per group session: the clinical default cap. */
export const GROUP_CAP = 12;
const TRACK_CAP = 15;

/** Bearer tokens signed with the run's own key, as `npm run token` would mint them. */
export async function tokenMinter(signingKeys) {
  const ring = await loadKeyRing(signingKeys);
  const issuer = wranglerVar("TOKEN_ISSUER");
  const audience = wranglerVar("TOKEN_AUDIENCE");
  return (role, sub, program) =>
    mintApiToken(ring, {
      sub,
      roles: [role],
      program,
      issuer,
      audience,
      now: Math.floor(Date.now() / 1000),
      ttlSeconds: 3600,
    });
}

/** A JSON caller that throws with the problem body on any unexpected status. */
export function apiClient(base) {
  return async (method, path, token, body, expect = [200, 201]) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** The UTC date of yesterday: never after the program's local date of a session starting soon. */
function yesterday() {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

/**
 * Create the program, `clients` enrolled clients and `groups` open group sessions.
 * Returns ids, a token per client, and a token per session's facilitator.
 */
export async function seed(
  base,
  signingKeys,
  { groups, clients, concurrency = 8, startsInMinutes = 5, lengthMinutes = 60, cap = GROUP_CAP },
) {
  const api = apiClient(base);
  const mint = await tokenMinter(signingKeys);
  const admin = await mint("admin", newId("adm"));
  const program = await api("POST", "/v1/programs", admin, {
    name: "Bench program",
    timezone: "America/Los_Angeles",
    settings: { allowMakeUp: true, groupCapDefault: GROUP_CAP },
  });
  const programId = program.body.id;
  const startsOn = yesterday();

  const trackCount = Math.ceil(clients / TRACK_CAP);
  const trackIds = await pool([...Array(trackCount).keys()], concurrency, async (i) => {
    const track = await api("POST", `/v1/programs/${programId}/tracks`, admin, {
      name: `Bench ${i}`,
      days: ["SA"],
      startTime: "06:00",
      endTime: "07:00",
      startsOn,
      groupCap: TRACK_CAP,
    });
    return track.body.id;
  });

  const clientIds = Array.from({ length: clients }, () => newId("clt"));
  await pool(clientIds, concurrency, (clientId, i) =>
    api("POST", `/v1/programs/${programId}/enrollments`, admin, {
      clientId,
      trackId: trackIds[Math.floor(i / TRACK_CAP)],
      startsOn,
    }),
  );
  const clientTokens = new Map(
    await Promise.all(clientIds.map(async (id) => [id, await mint("client", id, programId)])),
  );

  // By default starting in 5 minutes: inside the 15-minute join window, well before the late-join
  // cut-off. The soak starts its groups a minute ago, so presence counts towards attendance.
  // The groups belong to a track nobody is enrolled in: every client joins as a make-up visitor, and
  // no seat is held for a track's own clients (which would refuse visitors until the late cut-off).
  const dropIn = (
    await api("POST", `/v1/programs/${programId}/tracks`, admin, {
      name: "Bench drop-in",
      days: ["SU"],
      startTime: "06:00",
      endTime: "07:00",
      startsOn,
      groupCap: GROUP_CAP,
    })
  ).body.id;
  const startsAt = new Date(Math.ceil((Date.now() + startsInMinutes * 60_000) / 60_000) * 60_000);
  const endsAt = new Date(startsAt.getTime() + lengthMinutes * 60_000);
  const sessions = await pool([...Array(groups).keys()], concurrency, async () => {
    const facilitatorId = newId("fac");
    const created = await api("POST", `/v1/programs/${programId}/sessions`, admin, {
      kind: "group",
      trackId: dropIn,
      startsAt: startsAt.toISOString().replace(".000Z", "Z"),
      endsAt: endsAt.toISOString().replace(".000Z", "Z"),
      facilitatorIds: [facilitatorId],
      cap,
    });
    const facilitatorToken = await mint("facilitator", facilitatorId, programId);
    await api("POST", `/v1/sessions/${created.body.id}/open`, facilitatorToken);
    return { sessionId: created.body.id, facilitatorId, facilitatorToken };
  });
  return {
    programId,
    adminToken: admin,
    trackIds,
    clientIds,
    clientTokens,
    sessions,
    startsAt: startsAt.toISOString(),
  };
}

/** Seat GROUP_CAP clients in each throughput group; the load then re-joins them across groups. */
export async function seatClients(base, world, sessions) {
  const pairs = sessions.flatMap((s, g) =>
    world.clientIds.slice(g * GROUP_CAP, (g + 1) * GROUP_CAP).map((clientId) => ({
      sessionId: s.sessionId,
      token: world.clientTokens.get(clientId),
    })),
  );
  const statuses = await pool(pairs, 8, async (p) => {
    const res = await fetch(`${base}/v1/sessions/${p.sessionId}/join`, {
      method: "POST",
      headers: { authorization: `Bearer ${p.token}` },
    });
    await res.arrayBuffer();
    return res.status;
  });
  if (statuses.some((s) => s !== 200)) throw new Error(`seating failed: ${JSON.stringify(statuses)}`);
  return pairs;
}
