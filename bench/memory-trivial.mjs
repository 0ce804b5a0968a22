// The yardstick of `npm run bench:memory` (issue 20): the same Miniflare and workerd serving a Worker
// that only answers "ok", loaded with autocannon for PROBE_SECONDS (60) in 10-second rounds, its
// workerd's RSS printed after each. If this grows like the product's dev server does, the growth is
// the runtime's (its allocator's working size under load), not the product's code.
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { freePort } from "./lib/server.mjs";

const SECONDS = Number(process.env.PROBE_SECONDS ?? 60);
const port = await freePort();
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: "127.0.0.1",
    port,
    log: new Log(LogLevel.ERROR),
    cf: false,
    workers: [
      {
        name: "trivial",
        modules: true,
        script: 'export default { fetch() { return new Response("ok"); } };',
        compatibilityDate: "2026-11-01",
      },
    ],
  }),
);
await mf.ready;
const pid = execSync(`pgrep -n -P ${process.pid} workerd`).toString().trim();
const rssMiB = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024);
const series = [rssMiB()];
let requests = 0;
for (let t = 10; t <= SECONDS; t += 10) {
  const r = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: 10, duration: 10 });
  requests += r.requests.total;
  series.push(rssMiB());
}
console.log(JSON.stringify({ worker: "trivial", requests, rssMiBEvery10s: series }, null, 2));
await mf.dispose();
