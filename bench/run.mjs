// `npm run bench`: the performance harness (DESIGN.md §9). Bundles the product as for deploy,
// serves it with wrangler dev, seeds groups through the public API, measures GET /healthz and the
// join path in alternating autocannon rounds of the same run, fires a burst of joins at 40 groups
// of 12, estimates CPU per join and samples memory from /proc, then prints a table and writes
// bench/results/*.json. Knobs (environment): BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS,
// BENCH_LOG_LEVEL. See docs/bench.md.
import { cpus, loadavg } from "node:os";
import { auditJoins } from "./lib/audit-check.mjs";
import { burst } from "./lib/burst.mjs";
import { healthzTarget, joinTarget, round, sessionTarget, summarize } from "./lib/load.mjs";
import { startPeer } from "./lib/peer.mjs";
import { memorySampler } from "./lib/proc.mjs";
import { previousResult, printReport, writeResult } from "./lib/report.mjs";
import { GROUP_CAP, seatClients, seed } from "./lib/seed.mjs";
import { startServer } from "./lib/server.mjs";
import { scanLog } from "./lib/wrangler-log.mjs";

const num = (name, fallback) => Number(process.env[name] ?? fallback);
const config = {
  seconds: num("BENCH_SECONDS", 8),
  rounds: num("BENCH_ROUNDS", 2),
  warmupSeconds: 2,
  connections: num("BENCH_CONNECTIONS", 10),
  throughputGroups: 20,
  burstGroups: 40,
  burstPerGroup: 20,
  logLevel: process.env.BENCH_LOG_LEVEL ?? "warn",
};
// Issue 20's targets, all within one run: join ÷ healthz throughput, the join's CPU beyond a bare
// request in the Worker's workerd (absolute, and against the peer token server's whole request),
// and the join's p99 against healthz's.
const target = {
  ratio: 0.8,
  joinNetMs: 1.0,
  peerMultiple: 5,
  p99Multiple: 1.5,
  cpuLimitFreeMs: 10,
  cpuLimitPaidMs: 30_000,
};
const logPath = new URL("results/wrangler.log", import.meta.url).pathname;
const t0 = Date.now();
const load = () => loadavg().map((l) => Number(l.toFixed(2)));
const loadStart = load();
const startedAt = new Date(t0).toISOString().replace(/\.\d+Z$/, "Z");
let server;
let peer;
const step = (msg) => {
  console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
  server?.mark(msg);
};

/** CPU milliseconds per successful answer, for each measured process set. */
function cpuPerRequest(summaries, procs) {
  const out = {};
  for (const set of ["worker", "proxy"]) {
    const list = procs[set];
    out[set] = { pids: list.map((p) => p.pid) };
    for (const [kind, s] of Object.entries(summaries)) out[set][`${kind}Ms`] = s.ok > 0 ? s.cpuMs[set] / s.ok : null;
  }
  // What the join costs beyond a bare request through the same dev server.
  out.worker.joinNetMs = out.worker.joinMs - out.worker.healthzMs;
  // The peer token server's whole request (HTTP included), in its own Node process.
  const peer = summaries.peerJoin;
  out.peer = { pids: procs.peer.map((p) => p.pid), joinMs: peer && peer.ok > 0 ? peer.cpuMs.peer / peer.ok : null };
  return out;
}

step(`bundling and starting wrangler dev (log: ${logPath})`);
server = await startServer({ logPath, logLevel: config.logLevel });
let result;
try {
  step(`ready at ${server.base}: bundled in ${server.buildMs} ms, answering after ${server.startupMs} ms`);
  const memory = memorySampler(server.split);
  const groups = config.burstGroups + config.throughputGroups;
  const clients = config.burstGroups * config.burstPerGroup;
  step(`seeding 1 program, ${clients} enrolled clients, ${groups} open group sessions (cap ${GROUP_CAP})`);
  memory.phase("seed");
  const world = await seed(server.base, server.secrets.SIGNING_KEYS, { groups, clients });
  const burstSessions = world.sessions.slice(0, config.burstGroups);
  const loadSessions = world.sessions.slice(config.burstGroups);
  const pairs = await seatClients(server.base, world, loadSessions);
  step(`seeded; ${pairs.length} clients seated in ${loadSessions.length} groups for the join load`);

  step("starting the peer token server (bench/peer/token-server.mjs)");
  peer = await startPeer(server.secrets);
  const targets = {
    healthz: healthzTarget(server.base),
    session: sessionTarget(server.base, loadSessions),
    join: joinTarget(server.base, pairs),
    // The same pairs and tokens against the peer: the same load generator, connections and rounds.
    peerJoin: joinTarget(peer.base, pairs),
  };
  const procs = { ...server.split(), server: server.all(), peer: peer.procs };
  const opts = { seconds: config.seconds, connections: config.connections, procs };
  memory.phase("warmup");
  step(`warm-up ${config.warmupSeconds} s each`);
  for (const t of Object.values(targets)) await round(t, { ...opts, seconds: config.warmupSeconds });
  const rounds = { healthz: [], session: [], join: [], peerJoin: [] };
  for (let r = 1; r <= config.rounds; r++) {
    for (const [kind, t] of Object.entries(targets)) {
      memory.phase(kind);
      step(`round ${r}/${config.rounds}: ${kind}, ${config.seconds} s, ${config.connections} connections`);
      rounds[kind].push(await round(t, opts));
    }
  }
  const summaries = Object.fromEntries(Object.entries(rounds).map(([k, rs]) => [k, summarize(rs)]));

  memory.phase("burst");
  step(`burst: ${config.burstGroups} groups × ${config.burstPerGroup} clients at once, then a re-check`);
  const b = await burst(
    server.base,
    { ...world, sessions: burstSessions },
    {
      groups: config.burstGroups,
      perGroup: config.burstPerGroup,
      cap: GROUP_CAP,
    },
  );
  // Every join answered for the burst groups: the burst itself, the fresh probe, any re-joins.
  const answered =
    b.requests + b.groups + b.perGroupCounts.filter((g) => g.seatedSource === "rejoin").length * b.perGroup;
  step("counting the burst's join entries in the audit trail");
  const auditCheck = await auditJoins(
    server.base,
    world.adminToken,
    world.programId,
    burstSessions.map((s) => s.sessionId),
    answered,
  );
  const mem = memory.stop();
  // wrangler restarts workerd when its inputs change; a restart mid-run voids the CPU figures.
  const pids = (list) => list.map((p) => p.pid).join(",");
  const sameWorkerd = pids(server.split().worker) === pids(procs.worker) && procs.worker.length > 0;

  const { healthz: h, join: j, peerJoin: pj } = summaries;
  const cpu = cpuPerRequest(summaries, procs);
  const ratio = h.rps > 0 ? j.rps / h.rps : null;
  const checks = {
    ratio: ratio !== null && ratio >= target.ratio,
    joinNetCpu: cpu.worker.joinNetMs !== null && cpu.worker.joinNetMs <= target.joinNetMs,
    joinNetVsPeer: cpu.peer.joinMs !== null && cpu.worker.joinNetMs <= target.peerMultiple * cpu.peer.joinMs,
    p99: h.p99Ms !== null && j.p99Ms !== null && j.p99Ms <= target.p99Multiple * h.p99Ms,
    burst: b.pass,
    noFiveXx: Object.values(summaries).every((s) => s.fiveXx === 0) && b.fiveXx === 0,
    // A 401, 409 or 429 in the load would mean it measured something other than admitted joins.
    loadAllOk: Object.values(summaries).every((s) => s.ok === s.requests && s.errors === 0),
    cpuUnderFreeLimit: cpu.worker.joinMs !== null && cpu.worker.joinMs < target.cpuLimitFreeMs,
    sameWorkerd,
  };
  result = {
    startedAt,
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? null,
      node: process.version,
      loadStart,
      loadEnd: load(),
    },
    config,
    server: {
      mode: server.mode,
      limiters: !process.env.BENCH_NO_LIMITERS,
      localObservability: process.env.X_LOCAL_OBSERVABILITY ?? "false",
    },
    target,
    buildMs: server.buildMs,
    stateRoot: server.stateRoot,
    startupMs: server.startupMs,
    healthz: h,
    session: summaries.session,
    join: j,
    peerJoin: pj,
    ratio,
    burst: b,
    audit: auditCheck,
    cpu: { method: "utime+stime of each workerd (/proc/<pid>/stat) over the measured rounds ÷ 2xx answers", ...cpu },
    memory: { ...mem, series: mem.series.map((s) => [s.t - t0, s.phase, s.bytes.worker, s.bytes.proxy]) },
    checks,
    pass: Object.values(checks).every(Boolean),
  };
} finally {
  step("stopping the server and the peer");
  await peer?.stop();
  await server.stop();
}
result.wranglerLog = scanLog(logPath);
result.durationMs = Date.now() - t0;
printReport(result, previousResult());
const [latest, stamped] = writeResult(result);
console.log(`wrote ${latest}\n  and ${stamped}`);
process.exitCode = result.pass ? 0 : 1;
