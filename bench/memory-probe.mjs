// `npm run bench:memory`: what makes the dev server's workerd processes grow (issue 20). Starts the
// bench's server (wrangler dev, or Miniflare's API with BENCH_SERVER=miniflare), then loads GET
// /healthz for PROBE_SECONDS (default 60) with autocannon, sampling both workerd processes' RSS once
// a second. Run it with the Worker logging a line per request (BENCH_WORKER_LOG=info, the default of
// `npm start`) and without (warn) to see whose memory the request logs hold. Prints the RSS at the
// start, each quarter and the end, and the growth between the second and the last quarter.
import autocannon from "autocannon";
import { memorySampler } from "./lib/proc.mjs";
import { startServer } from "./lib/server.mjs";

const SECONDS = Number(process.env.PROBE_SECONDS ?? 60);
const logPath = new URL("results/memory-probe-wrangler.log", import.meta.url).pathname;
const server = await startServer({ logPath, logLevel: process.env.BENCH_LOG_LEVEL ?? "warn" });
const mib = (b) => (b / 1048576).toFixed(0);
try {
  const memory = memorySampler(server.split);
  memory.phase("load");
  const run = autocannon({ url: `${server.base}/healthz`, connections: 10, duration: SECONDS });
  const result = await run;
  const m = memory.stop();
  const quarter = (set, q) => {
    const s = m.series.filter((x) => x.phase === "load").map((x) => x.bytes[set]);
    const n = s.length;
    const part = s.slice(Math.floor((q * n) / 4), Math.floor(((q + 1) * n) / 4));
    return part.reduce((a, b) => a + b, 0) / Math.max(1, part.length);
  };
  const sets = server.mode === "miniflare" ? ["worker"] : ["worker", "proxy"];
  const out = {
    mode: server.mode,
    workerLog: process.env.BENCH_WORKER_LOG ?? "info",
    seconds: SECONDS,
    requests: result.requests.total,
    rps: result.requests.average,
  };
  for (const set of sets) {
    const q = [0, 1, 2, 3].map((i) => quarter(set, i));
    out[set] = {
      startMiB: mib(m[set].startBytes),
      quartersMiB: q.map(mib),
      endMiB: mib(m[set].endBytes),
      growth: (q[3] / q[1]).toFixed(3),
    };
  }
  console.log(JSON.stringify(out, null, 2));
} finally {
  await server.stop();
}
