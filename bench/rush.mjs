// `npm run bench:rush`: the 09:00 rush by simulation (issue 20). RUSH_GROUPS (200) open group
// sessions of cap RUSH_CAP (10) with RUSH_CLIENTS (12) distinct clients each, every client joining at
// a random instant within RUSH_SECONDS (60) — more clients than seats, so every cap binds. Checks
// that each group seated exactly its cap, that the room agrees with the answers, that a client who
// never asked is refused once full, and no 5xx; reports p50/p99 of the joins and the Worker's CPU.
// Writes bench/results/rush-latest.json. The same server as `npm run bench` (BENCH_SERVER=miniflare too).
import { writeFileSync } from "node:fs";
import { burst } from "./lib/burst.mjs";
import { cpuDeltaMs, cpuMsByPid } from "./lib/proc.mjs";
import { seed } from "./lib/seed.mjs";
import { startServer } from "./lib/server.mjs";

const num = (name, fallback) => Number(process.env[name] ?? fallback);
const GROUPS = num("RUSH_GROUPS", 200);
const CLIENTS = num("RUSH_CLIENTS", 12);
const CAP = num("RUSH_CAP", 10);
const SECONDS = num("RUSH_SECONDS", 60);
const t0 = Date.now();
const say = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`);
const logPath = new URL("results/rush-wrangler.log", import.meta.url).pathname;

say("starting the server");
const server = await startServer({ logPath, logLevel: "warn" });
let result;
try {
  say(`seeding ${GROUPS} groups of cap ${CAP} and ${GROUPS * CLIENTS} clients`);
  const world = await seed(server.base, server.secrets.SIGNING_KEYS, {
    groups: GROUPS,
    clients: GROUPS * CLIENTS,
    cap: CAP,
  });
  say(`rush: ${GROUPS * CLIENTS} joins within ${SECONDS} s`);
  const procs = server.split();
  const before = cpuMsByPid(procs.worker);
  const b = await burst(server.base, world, { groups: GROUPS, perGroup: CLIENTS, cap: CAP, spreadMs: SECONDS * 1000 });
  const workerMs = cpuDeltaMs(before, cpuMsByPid(procs.worker));
  result = {
    startedAt: new Date(t0).toISOString(),
    mode: server.mode,
    groups: GROUPS,
    clientsPerGroup: CLIENTS,
    cap: CAP,
    seconds: SECONDS,
    requests: b.requests,
    admitted: b.admitted,
    refused: b.full,
    fiveXx: b.fiveXx,
    netErrors: b.netErrors,
    exactCaps: b.exact,
    refusedWhenFull: b.refusedWhenFull,
    wallMs: b.wallMs,
    p50Ms: b.p50Ms,
    p99Ms: b.p99Ms,
    workerCpuMsPerJoin: workerMs / b.requests,
    pass: b.pass,
  };
  console.log(JSON.stringify(result, null, 2));
  writeFileSync(new URL("results/rush-latest.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await server.stop();
}
process.exitCode = result?.pass ? 0 : 1;
