// Seeds the demo program through the public API, once: ids are kept in .wrangler/demo.json and re-used.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { newId } from "../../src/lib/ids.ts";

const STATE = new URL("../../.wrangler/demo.json", import.meta.url);

/** Call the running Worker as an admin; throws with the problem body on any non-2xx. */
function client(base, token) {
  return async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

/** Create (or find again) the demo program; returns the ids to print. */
export async function seedDemo(base, adminToken) {
  const api = client(base, adminToken);
  if (existsSync(STATE)) {
    const demo = JSON.parse(readFileSync(STATE, "utf8"));
    let found = false;
    try {
      await api("GET", `/v1/programs/${demo.programId}`);
      found = true;
    } catch {
      // The local state was wiped: seed again.
    }
    if (found) {
      // A demo seeded before tracks existed gets them now.
      if (Object.keys(demo.trackIds ?? {}).length === 0) {
        demo.trackIds = await seedTracks(api, demo);
        writeFileSync(STATE, JSON.stringify(demo, null, 2));
      }
      return { ...demo, created: false };
    }
  }
  const program = await api("POST", "/v1/programs", {
    name: "Demo IOP",
    timezone: "America/Los_Angeles",
    settings: { groupCapDefault: 12 },
  });
  const demo = {
    programId: program.id,
    facilitatorId: newId("fac"),
    clientIds: [newId("clt"), newId("clt"), newId("clt"), newId("clt")],
    trackIds: {},
  };
  demo.trackIds = await seedTracks(api, demo);
  mkdirSync(new URL(".", STATE), { recursive: true });
  writeFileSync(STATE, JSON.stringify(demo, null, 2));
  return { ...demo, created: true };
}

/** The demo's tracks (program-local times) and which of its four clients each one holds. */
const DEMO_TRACKS = [
  { key: "morning", name: "Morning", days: ["MO", "WE", "FR"], startTime: "09:00", endTime: "12:00", clients: [0, 1] },
  { key: "evening", name: "Evening", days: ["MO", "TU", "TH"], startTime: "18:00", endTime: "21:00", clients: [2, 3] },
];

/** The morning and evening tracks with the clients enrolled; skipped while the API has no tracks yet. */
async function seedTracks(api, demo) {
  const doc = await api("GET", "/openapi.json");
  if (!doc.paths["/v1/programs/{programId}/tracks"]) return {};
  const startsOn = new Date().toISOString().slice(0, 10);
  const trackIds = {};
  for (const { key, clients, ...track } of DEMO_TRACKS) {
    const created = await api("POST", `/v1/programs/${demo.programId}/tracks`, {
      ...track,
      startsOn,
      groupCap: 12,
      facilitatorIds: [demo.facilitatorId],
    });
    trackIds[key] = created.id;
    for (const i of clients) {
      const clientId = demo.clientIds[i];
      await api("POST", `/v1/programs/${demo.programId}/enrollments`, { clientId, trackId: created.id, startsOn });
    }
  }
  return trackIds;
}
