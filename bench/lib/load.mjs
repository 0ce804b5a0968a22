// Load runs with autocannon's programmatic API. Every response time is kept, so rounds of the
// same kind can be pooled and their percentiles computed exactly, and the workerd CPU time spent
// during each round is read from /proc around it.
import autocannon from "autocannon";
import { cpuDeltaMs, cpuMsByPid, machineBusyMs } from "./proc.mjs";
import { quantile } from "./util.mjs";

/** Requests that keep `GET /healthz` busy. */
export function healthzTarget(base) {
  return { title: "healthz", url: `${base}/healthz`, method: "GET" };
}

/** Requests that rotate over `items`, one request each in turn (autocannon's `setupRequest`). */
function rotating(base, title, method, items, toRequest) {
  let next = 0;
  return {
    title,
    url: base,
    requests: [
      {
        method,
        setupRequest(req) {
          const { path, token } = toRequest(items[next++ % items.length]);
          return { ...req, method, path, headers: { ...req.headers, authorization: `Bearer ${token}` } };
        },
      },
    ],
  };
}

/**
 * Re-joins of already admitted clients, rotating over (session, client) pairs across groups: each
 * request is the whole join path (bearer verification, directory check, room seat, token signing).
 */
export function joinTarget(base, pairs) {
  return rotating(base, "join", "POST", pairs, (p) => ({ path: `/v1/sessions/${p.sessionId}/join`, token: p.token }));
}

/**
 * `GET /v1/sessions/{id}` as each session's facilitator: bearer verification and one directory
 * read, without the room or signing. Shown beside the join to tell where its time goes.
 */
export function sessionTarget(base, sessions) {
  return rotating(base, "session", "GET", sessions, (s) => ({
    path: `/v1/sessions/${s.sessionId}`,
    token: s.facilitatorToken,
  }));
}

/**
 * One autocannon round against `target`; returns its raw figures and the CPU milliseconds each
 * measured process spent meanwhile (`procs` name → process list).
 */
export async function round(target, { seconds, connections, procs = {} }) {
  const latencies = [];
  const statuses = {};
  const before = Object.fromEntries(Object.entries(procs).map(([k, p]) => [k, cpuMsByPid(p)]));
  const machineBefore = machineBusyMs();
  const selfBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const instance = autocannon({ ...target, connections, duration: seconds, timeout: 10 });
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    statuses[statusCode] = (statusCode in statuses ? statuses[statusCode] : 0) + 1;
  });
  const result = await instance;
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = Object.fromEntries(Object.entries(procs).map(([k, p]) => [k, cpuDeltaMs(before[k], cpuMsByPid(p))]));
  const self = process.cpuUsage(selfBefore);
  cpu.loadgen = (self.user + self.system) / 1000;
  // What the rest of the machine (other users of these 2 cores) took meanwhile.
  if (machineBefore !== null && "server" in cpu)
    cpu.foreign = machineBusyMs() - machineBefore - cpu.server - (cpu.peer ?? 0) - cpu.loadgen;
  return { latencies, statuses, elapsedS, errors: result.errors, timeouts: result.timeouts, cpu };
}

/** Pool rounds of one kind: requests/s over the measured time, exact p50/p99, status counts, CPU. */
export function summarize(rounds) {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = rounds.reduce((s, r) => s + r.elapsedS, 0);
  const statuses = {};
  const cpu = {};
  for (const r of rounds) {
    for (const [code, n] of Object.entries(r.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
    for (const [k, ms] of Object.entries(r.cpu)) cpu[k] = (cpu[k] ?? 0) + ms;
  }
  const ok = Object.entries(statuses)
    .filter(([code]) => code >= 200 && code < 300)
    .reduce((s, [, n]) => s + n, 0);
  const fiveXx = Object.entries(statuses)
    .filter(([code]) => code >= 500)
    .reduce((s, [, n]) => s + n, 0);
  return {
    requests: latencies.length,
    ok,
    fiveXx,
    statuses,
    errors: rounds.reduce((s, r) => s + r.errors, 0),
    timeouts: rounds.reduce((s, r) => s + r.timeouts, 0),
    seconds: Number(seconds.toFixed(2)),
    // Throughput counts only successful answers: a fast 401 or 409 is not a join served.
    rps: ok / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? null,
    cpuMs: cpu,
    // Average cores busy with work that is neither this server nor autocannon: the noise.
    foreignCores: "foreign" in cpu ? cpu.foreign / 1000 / seconds : null,
  };
}
