// Prints the run as a table and keeps it as JSON: bench/results/latest.json and a timestamped
// copy, compared against the previous latest.json when there is one.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const RESULTS = new URL("../results/", import.meta.url);
const LATEST = new URL("latest.json", RESULTS);

const fmt = (n, digits = 1) => (n === null || n === undefined ? "–" : Number(n).toFixed(digits));
const mb = (bytes) => (bytes === null ? "–" : `${(bytes / 2 ** 20).toFixed(0)} MiB`);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const verdict = (ok) => (ok ? "PASS" : "FAIL");

/** The previous `latest.json`, if any and readable. */
export function previousResult() {
  if (!existsSync(LATEST)) return null;
  try {
    return JSON.parse(readFileSync(LATEST, "utf8"));
  } catch {
    return null;
  }
}

/** Write latest.json and `<ISO>.json` (colons replaced, so the name is portable); returns both paths. */
export function writeResult(result) {
  mkdirSync(RESULTS, { recursive: true });
  const body = `${JSON.stringify(result, null, 2)}\n`;
  const stamped = new URL(`${result.startedAt.replaceAll(":", "-")}.json`, RESULTS);
  writeFileSync(stamped, body);
  writeFileSync(LATEST, body);
  return [LATEST.pathname, stamped.pathname];
}

function loadRow(label, s) {
  const statuses = Object.entries(s.statuses)
    .map(([c, n]) => `${c}:${n}`)
    .join(" ");
  return `${pad(label, 22)}${lpad(fmt(s.rps, 0), 9)}${lpad(fmt(s.p50Ms), 9)}${lpad(fmt(s.p99Ms), 9)}${lpad(s.requests, 10)}  ${statuses}`;
}

/** Print the run for a human, with deltas against the previous run when there is one. */
export function printReport(r, previous) {
  const out = [];
  out.push("");
  out.push(`iop-orchestrator bench  ${r.startedAt}  (${r.machine.cpus} CPUs, load ${r.machine.loadStart.join(" ")})`);
  if (r.server) {
    const how =
      { miniflare: "Miniflare's API", "dev-api": "npm start's dev server (wrangler's API, inspector off)" }[
        r.server.mode
      ] ?? "wrangler dev (CLI, inspector on)";
    const limiters = r.server.limiters
      ? "rate limiters on (simulated locally)"
      : "rate limiters off (BENCH_NO_LIMITERS)";
    out.push(
      `served by ${how}, state in ${r.stateRoot}, ${limiters}, local observability ${r.server.localObservability}`,
    );
  }
  out.push(
    `${pad("", 22)}${lpad("req/s", 9)}${lpad("p50 ms", 9)}${lpad("p99 ms", 9)}${lpad("requests", 10)}  statuses`,
  );
  out.push(loadRow("GET /healthz", r.healthz));
  out.push(loadRow("GET /v1/sessions/{id}", r.session));
  out.push(loadRow("POST …/join", r.join));
  if (r.peerJoin) out.push(loadRow("peer join (Node)", r.peerJoin));
  out.push(
    `${pad("ratio join/healthz", 22)}${lpad(fmt(r.ratio, 3), 9)}   target ≥ ${r.target.ratio}  ${verdict(r.checks.ratio)}`,
  );
  if (r.checks.p99 !== undefined)
    out.push(
      `${pad("p99 join/healthz", 22)}${lpad(fmt(r.join.p99Ms / r.healthz.p99Ms, 2), 9)}   target ≤ ${r.target.p99Multiple}  ${verdict(r.checks.p99)}`,
    );
  const b = r.burst;
  const exactGroups = b.perGroupCounts.filter((g) => g.admitted === Math.min(b.perGroup, b.cap)).length;
  out.push(
    `burst ${b.groups} groups × ${b.perGroup} clients (cap ${b.cap}): ${b.admitted} admitted, ` +
      `${exactGroups}/${b.groups} groups exactly ${Math.min(b.perGroup, b.cap)}, 409 ${b.full}, ` +
      `5xx ${b.fiveXx}, network errors ${b.netErrors}, other ${b.other}; wall ${b.wallMs} ms, p50 ${fmt(b.p50Ms, 0)} ms, p99 ${fmt(b.p99Ms, 0)} ms  ${verdict(b.pass)}`,
  );
  const counts = b.perGroupCounts.map((g) => `${g.admitted}/${g.seatedInRoom}`).join(" ");
  const sources = [...new Set(b.perGroupCounts.map((g) => g.seatedSource))].join("+");
  out.push(`  per group, admitted (200) / seated according to the room (${sources}): ${counts}`);
  const a = r.audit;
  out.push(
    a.available
      ? `  audit trail: ${a.found} of ${a.expected} burst joins recorded (${a.missing} missing, complete ${a.settledMs === null ? "never" : `${a.settledMs} ms`} after the burst); chain valid: ${a.chain?.valid}, length ${a.chain?.length}`
      : `  audit trail: not readable (HTTP ${a.status})`,
  );
  const c = r.cpu;
  out.push(
    "CPU per 2xx answer, estimated from /proc — an upper bound: the Worker and both Durable Objects run in one workerd here",
  );
  out.push(
    `  Worker workerd: join ${fmt(c.worker.joinMs, 2)} ms (${fmt(c.worker.joinNetMs, 2)} ms beyond healthz), ` +
      `session read ${fmt(c.worker.sessionMs, 2)} ms, healthz ${fmt(c.worker.healthzMs, 2)} ms`,
  );
  if (c.peer)
    out.push(
      `  peer token server (Node, HTTP included): ${fmt(c.peer.joinMs, 2)} ms per join; ours beyond healthz ` +
        `${fmt(c.worker.joinNetMs, 2)} ms: target ≤ ${r.target.joinNetMs} ms ${verdict(r.checks.joinNetCpu)} and ≤ ` +
        `${r.target.peerMultiple}× the peer (${fmt(c.worker.joinNetMs / c.peer.joinMs, 1)}×) ${verdict(r.checks.joinNetVsPeer)}`,
    );
  out.push(
    `  wrangler's proxy workerd (not in production): join ${fmt(c.proxy.joinMs, 2)} ms, healthz ${fmt(c.proxy.healthzMs, 2)} ms`,
  );
  out.push(
    `  Workers CPU limit ${r.target.cpuLimitFreeMs} ms (free) / ${r.target.cpuLimitPaidMs / 1000} s (paid default): ` +
      `join uses ${fmt((100 * c.worker.joinMs) / r.target.cpuLimitFreeMs, 0)}% of the free limit  ${verdict(r.checks.cpuUnderFreeLimit)}`,
  );
  const m = r.memory;
  const line = (name, s) => `${name} start ${mb(s.startBytes)}, peak ${mb(s.peakBytes)}, end ${mb(s.endBytes)}`;
  out.push(`memory RSS (${m.samples} samples, 1/s): ${line("Worker workerd", m.worker)}; ${line("proxy", m.proxy)}`);
  const noise = [r.healthz, r.session, r.join, ...(r.peerJoin ? [r.peerJoin] : [])]
    .map((s) => fmt(s.foreignCores, 2))
    .join(" / ");
  out.push(`other processes on this machine during the rounds (healthz / session / join / peer): ${noise} cores busy`);
  const w = r.wranglerLog;
  out.push(`wrangler log: ${w.errorLines} error lines, ${w.warnLines} warnings (${w.path})`);
  for (const line of [...w.errors, ...w.warnings].slice(0, 6)) out.push(`  ${line}`);
  if (previous) {
    const pct = (a, b) => (b ? `${a >= b ? "+" : ""}${fmt((100 * (a - b)) / b, 0)}%` : "–");
    out.push(
      `vs previous (${previous.startedAt}): ratio ${fmt(previous.ratio, 3)} → ${fmt(r.ratio, 3)} ` +
        `(${r.ratio >= previous.ratio ? "+" : ""}${fmt(r.ratio - previous.ratio, 3)}); ` +
        `healthz ${pct(r.healthz.rps, previous.healthz.rps)}, join ${pct(r.join.rps, previous.join.rps)}, ` +
        `CPU/join ${pct(r.cpu.worker.joinMs, previous.cpu?.worker?.joinMs)}`,
    );
  }
  if (!r.checks.sameWorkerd) out.push("workerd was restarted during the run (wrangler reload): CPU figures are void");
  const failed = Object.entries(r.checks)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  out.push(
    `overall: ${verdict(r.pass)}${failed.length ? ` (failed: ${failed.join(", ")})` : ""}  (run took ${fmt(r.durationMs / 1000, 0)} s)`,
  );
  console.log(out.join("\n"));
}
