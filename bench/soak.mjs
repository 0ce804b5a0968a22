// `npm run soak`: mixed traffic on local workerd for a bounded time (SOAK_SECONDS, default 600):
// joins and leaves across 50 groups of cap 12, LiveKit webhooks signed as LiveKit signs them and
// each sent twice (duplicates), then every room closed. Checks: zero 5xx, no group ever over its
// cap, exactly one attendance record per (session, client) that was expected or present, and the
// Worker's memory over the run. Prints a table and writes bench/results/soak-latest.json.
import { writeFileSync } from "node:fs";
import { AccessToken } from "livekit-server-sdk";
import { roomName } from "../src/tokens/window.ts";
import { inspector, liveHeapBytes } from "./lib/inspector.mjs";
import { memorySampler } from "./lib/proc.mjs";
import { GROUP_CAP, seed } from "./lib/seed.mjs";
import { startServer } from "./lib/server.mjs";
import { pool, sleep } from "./lib/util.mjs";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const WORKERS = Number(process.env.SOAK_WORKERS ?? 8);
const GROUPS = 50;
const CLIENTS = GROUPS * 16; // more clients than seats, so caps are under pressure throughout
const logPath = new URL("results/soak-wrangler.log", import.meta.url).pathname;
const t0 = Date.now();
const say = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`);
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const MiB = (b, digits = 0) => (b / 1048576).toFixed(digits);
const HEAP_EVERY_MS = 5000;

say("starting wrangler dev");
const server = await startServer({ logPath, logLevel: "warn" });
// npm start's dev server (BENCH_SERVER=dev-api) has no inspector, so no heap samples. Note that an
// attached DevTools, as this one, also drains what wrangler's inspector proxy would hold otherwise.
const devtools = server.mode === "dev-api" ? null : await inspector(server.inspectorPort, server.base);
const counts = { requests: 0, byStatus: {}, webhooks: 0, duplicatesAccepted: 0 };
let exitCode = 1;
try {
  const memory = memorySampler(server.split);
  say(`seeding ${GROUPS} groups (cap ${GROUP_CAP}) and ${CLIENTS} clients`);
  const world = await seed(server.base, server.secrets.SIGNING_KEYS, {
    groups: GROUPS,
    clients: CLIENTS,
    startsInMinutes: -2,
    // Sessions that outlast the run, so the joins stay joins to the end.
    lengthMinutes: Math.max(60, Math.ceil(SECONDS / 60) + 15),
  });
  const roomOf = new Map(
    await Promise.all(
      world.sessions.map(async (s) => [s.sessionId, await roomName(s.sessionId, server.secrets.ROOM_SECRET)]),
    ),
  );
  /** Who each room has admitted (200) and not yet let go: never more than the cap. */
  const seated = new Map(world.sessions.map((s) => [s.sessionId, new Set()]));
  const everPresent = new Map(world.sessions.map((s) => [s.sessionId, new Set()]));
  let overCap = 0;

  const call = async (method, path, token, body, headers = {}) => {
    const res = await fetch(`${server.base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body,
    });
    await res.arrayBuffer();
    counts.requests++;
    counts.byStatus[res.status] = (counts.byStatus[res.status] ?? 0) + 1;
    return res.status;
  };

  const livekit = async (sessionId, clientId, type) => {
    const body = JSON.stringify({
      id: `EV_${crypto.randomUUID()}`,
      event: type === "connect" ? "participant_joined" : "participant_left",
      createdAt: String(Math.floor(Date.now() / 1000)),
      room: { name: roomOf.get(sessionId) },
      participant: { identity: clientId },
    });
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
    const at = new AccessToken(server.secrets.LIVEKIT_API_KEY, server.secrets.LIVEKIT_API_SECRET, { ttl: "5m" });
    at.sha256 = btoa(String.fromCharCode(...digest));
    const auth = await at.toJwt();
    const headers = { authorization: auth, "content-type": "application/webhook+json" };
    const path = `/v1/webhooks/video/${world.programId}/livekit`;
    const first = await call("POST", path, null, body, headers);
    if (first !== 200) return first; // throttled or refused: there is nothing for a duplicate to repeat
    // LiveKit retries: the duplicate must be accepted as a delivery and change nothing.
    const again = await fetch(`${server.base}${path}`, { method: "POST", headers, body });
    counts.requests++;
    counts.byStatus[again.status] = (counts.byStatus[again.status] ?? 0) + 1;
    if (again.ok) counts.duplicatesAccepted += (await again.json()).accepted;
    else await again.arrayBuffer();
    counts.webhooks += 2;
    return first;
  };

  say(`mixed traffic for ${SECONDS} s with ${WORKERS} workers`);
  memory.phase("soak");
  const until = Date.now() + SECONDS * 1000;
  // The Worker's live heap (after a forced full GC) every few seconds while the traffic runs,
  // from the first interval on (a sample before any traffic would flatter the first half).
  const heap = [];
  const heapSampler = (async () => {
    while (devtools && Date.now() < until) {
      await sleep(HEAP_EVERY_MS);
      heap.push(await liveHeapBytes(devtools));
    }
  })();
  // Each worker owns its own clients, so one client never has two requests in flight and the
  // harness knows each client's seat exactly.
  const leaving = new Map(world.sessions.map((s) => [s.sessionId, new Set()]));
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      const mine = world.clientIds.filter((_c, i) => i % WORKERS === w);
      while (Date.now() < until) {
        const session = pick(world.sessions);
        const roll = Math.random();
        if (roll < 0.6) {
          const clientId = pick(mine);
          const status = await call("POST", `/v1/sessions/${session.sessionId}/join`, world.clientTokens.get(clientId));
          if (status === 200) {
            const seats = seated.get(session.sessionId);
            seats.add(clientId);
            everPresent.get(session.sessionId).add(clientId);
            // A lower bound of the room's occupancy when it answered: seats whose leave is still in
            // flight may already be free, so they are not counted.
            const sure = [...seats].filter((c) => !leaving.get(session.sessionId).has(c)).length;
            if (sure > GROUP_CAP) overCap++;
          }
        } else if (roll < 0.97) {
          const here = [...seated.get(session.sessionId)].filter((c) => mine.includes(c));
          if (here.length === 0) continue;
          const who = pick(here);
          leaving.get(session.sessionId).add(who);
          const status = await call("POST", `/v1/sessions/${session.sessionId}/leave`, world.clientTokens.get(who));
          if (status === 200) seated.get(session.sessionId).delete(who);
          leaving.get(session.sessionId).delete(who);
        } else {
          const present = [...everPresent.get(session.sessionId)];
          if (present.length === 0) continue;
          await livekit(session.sessionId, pick(present), Math.random() < 0.5 ? "connect" : "disconnect");
        }
      }
    }),
  );

  await heapSampler;
  say("closing every room and reading the ledger");
  memory.phase("close");
  await pool(world.sessions, 8, (s) => call("POST", `/v1/sessions/${s.sessionId}/close`, s.facilitatorToken));
  await sleep(2000);
  const today = new Date(world.startsAt);
  const dates = [-1, 0, 1].map((d) => new Date(today.getTime() + d * 86_400_000).toISOString().slice(0, 10));
  const ledger = await fetch(
    `${server.base}/v1/programs/${world.programId}/attendance?from=${dates[0]}&to=${dates[2]}`,
    { headers: { authorization: `Bearer ${world.adminToken}` } },
  ).then((r) => r.json());
  const keys = ledger.records.map((r) => `${r.sessionId}/${r.clientId}`);
  const unique = new Set(keys);
  let missing = 0;
  for (const s of world.sessions)
    for (const c of everPresent.get(s.sessionId)) if (!unique.has(`${s.sessionId}/${c}`)) missing++;
  const mem = memory.stop();
  const half = Math.floor(heap.length / 2);
  const avg = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  // Flat: the second half of the run holds no more live heap than the first, within 10 %.
  const growth = avg(heap.slice(half)) / Math.max(1, avg(heap.slice(0, half)));

  // Resident memory of each workerd process, by quarter of the traffic: flat when the last quarter
  // averages at most 1.2 × the second (the first quarter is the climb to the allocator's working size).
  const traffic = mem.series.filter((x) => x.phase === "soak");
  const quarters = (set) =>
    [0, 1, 2, 3].map((q) =>
      avg(
        traffic
          .slice(Math.floor((q * traffic.length) / 4), Math.floor(((q + 1) * traffic.length) / 4))
          .map((x) => x.bytes[set] ?? 0),
      ),
    );
  const rssSets = Object.keys(mem.series[0]?.bytes ?? {}).filter((set) => traffic.some((x) => (x.bytes[set] ?? 0) > 0));
  const rss = Object.fromEntries(
    rssSets.map((set) => {
      const q = quarters(set);
      return [
        set,
        { quartersMiB: q.map((b) => Number(MiB(b))), lastOverSecond: Number((q[3] / Math.max(1, q[1])).toFixed(3)) },
      ];
    }),
  );
  const fivexx = Object.entries(counts.byStatus)
    .filter(([s]) => Number(s) >= 500)
    .reduce((a, [, n]) => a + n, 0);
  const checks = {
    zero5xx: fivexx === 0,
    capsExact: overCap === 0,
    noRecordLost: missing === 0,
    noRecordDoubled: keys.length === unique.size,
    duplicatesChangedNothing: counts.duplicatesAccepted === 0,
    // null: not sampled (no inspector).
    memoryFlat: devtools ? growth < 1.1 : null,
    rssFlat: rssSets.length > 0 && Object.values(rss).every((r) => r.lastOverSecond <= 1.2),
  };
  const result = {
    at: new Date(t0).toISOString(),
    seconds: SECONDS,
    server: server.mode,
    groups: GROUPS,
    clients: CLIENTS,
    counts,
    attendance: { records: keys.length, unique: unique.size, missing },
    memory: {
      heapMiB: heap.map((b) => Number(MiB(b, 1))),
      heapSecondHalfOverFirstHalf: devtools ? Number(growth.toFixed(3)) : null,
      // Resident memory of the two workerd processes, for the record (see docs/bench.md, soak).
      workerRss: { startMiB: Number(MiB(mem.worker.startBytes)), endMiB: Number(MiB(mem.worker.endBytes)) },
      proxyRss: mem.proxy
        ? { startMiB: Number(MiB(mem.proxy.startBytes)), endMiB: Number(MiB(mem.proxy.endBytes)) }
        : null,
      rssByQuarter: rss,
    },
    checks,
  };
  writeFileSync(new URL("results/soak-latest.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\niop-orchestrator soak ${result.at}: ${SECONDS} s, ${GROUPS} groups, ${CLIENTS} clients`);
  console.log(
    `requests ${counts.requests} (${JSON.stringify(counts.byStatus)}), webhooks ${counts.webhooks} (half duplicates)`,
  );
  console.log(`attendance records ${keys.length}, unique ${unique.size}, missing ${missing}`);
  const m = result.memory;
  console.log(
    devtools
      ? `Worker live heap (after GC, every ${HEAP_EVERY_MS / 1000} s): ${m.heapMiB.join(" ")} MiB; second half / first half ${m.heapSecondHalfOverFirstHalf}`
      : "Worker live heap: not sampled (npm start's dev server has no inspector)",
  );
  for (const [set, r] of Object.entries(rss))
    console.log(
      `workerd RSS, ${set} process, by quarter of the traffic: ${r.quartersMiB.join(" → ")} MiB; last / second ${r.lastOverSecond}`,
    );
  for (const [name, ok] of Object.entries(checks))
    console.log(`${ok === null ? "NOT SAMPLED" : ok ? "PASS" : "FAIL"}  ${name}`);
  exitCode = Object.values(checks).every((ok) => ok !== false) ? 0 : 1;
} finally {
  devtools?.close();
  await server.stop();
}
process.exit(exitCode);
