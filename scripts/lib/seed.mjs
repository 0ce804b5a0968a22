// Seeds the demo program through the public API, once: ids are kept in .wrangler/demo.json (or
// IOP_DEV_DIR/demo.json) and re-used on every later start.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { newId } from "../../src/lib/ids.ts";
import { devPaths } from "./dev-paths.mjs";

/** The demo's tracks (program-local times) and which of its four clients each one holds. */
export const DEMO_TRACKS = [
  { key: "morning", name: "Morning", days: ["MO", "WE", "FR"], startTime: "09:00", endTime: "12:00", clients: [0, 1] },
  { key: "evening", name: "Evening", days: ["MO", "TU", "TH"], startTime: "18:00", endTime: "21:00", clients: [2, 3] },
];

/** The demo program's time zone. */
export const DEMO_ZONE = "America/Los_Angeles";

/** Read the kept ids; null when the demo was never seeded here. */
export function readDemo() {
  const path = devPaths().demo;
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : null;
}

/** Keep the ids for the next start (and for the README's walk-through, which reads them back). */
export function writeDemo(demo) {
  const path = devPaths().demo;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(demo, null, 2)}\n`);
}

/** Create (or find again) the demo program with its tracks and enrollments; `api` calls as an admin. */
export async function seedDemo(api) {
  const kept = readDemo();
  // A wiped local state (or another Worker) does not know the kept program: seed again.
  if (kept && (await api.raw("GET", `/v1/programs/${kept.programId}`)).status === 200) {
    // A demo seeded before tracks existed gets them now.
    if (Object.keys(kept.trackIds ?? {}).length === 0) kept.trackIds = await seedTracks(api, kept);
    return { demo: kept, created: false };
  }
  const program = await api("POST", "/v1/programs", {
    name: "Demo IOP",
    timezone: DEMO_ZONE,
    settings: { groupCapDefault: 12 },
  });
  const demo = {
    programId: program.id,
    facilitatorId: newId("fac"),
    clientIds: [newId("clt"), newId("clt"), newId("clt"), newId("clt")],
    trackIds: {},
  };
  demo.trackIds = await seedTracks(api, demo);
  return { demo, created: true };
}

/** The morning and evening tracks with the clients enrolled. */
/** The demo clients' display names: invented, one per demo client (the last gives hers at check-in). */
const DEMO_NAMES = ["Avery K.", "Blake M.", "Casey R."];

async function seedTracks(api, demo) {
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
      // Made-up first names, so the console shows what a clinic would see (names stay in the directory).
      const displayName = DEMO_NAMES[i];
      await api("POST", `/v1/programs/${demo.programId}/enrollments`, {
        clientId,
        trackId: created.id,
        startsOn,
        ...(displayName ? { displayName } : {}),
      });
    }
  }
  return trackIds;
}

/** Each demo client with their track and enrollment, from `GET …/enrollments` (the API is the record). */
export async function demoClients(api, demo) {
  const { enrollments } = await api("GET", `/v1/programs/${demo.programId}/enrollments?status=active`);
  const trackKey = Object.fromEntries(Object.entries(demo.trackIds).map(([key, id]) => [id, key]));
  return demo.clientIds.map((clientId) => {
    const e = enrollments.find((x) => x.clientId === clientId);
    return { clientId, track: e ? (trackKey[e.trackId] ?? e.trackId) : null, enrollmentId: e?.id ?? null };
  });
}
