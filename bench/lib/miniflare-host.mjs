// `BENCH_SERVER=miniflare`: the bench's Worker under Miniflare's own API, without wrangler dev and
// its proxy workerd in front (issue 20: closer to production). Reads the bindings from wrangler.toml
// the way wrangler does (`unstable_getMiniflareWorkerOptions`), serves the bundle `wrangler deploy
// --dry-run` made, persists Durable Objects and KV under the run's state directory and takes the
// secrets from the run's env file. Started by bench/lib/server.mjs in a process group of its own.
// Usage: node miniflare-host.mjs <bundle.js> <port> <state dir> <env file> <log level>
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const [bundle, port, state, envFile, workerLog] = process.argv.slice(2);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const secrets = Object.fromEntries(
  readFileSync(envFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const i = line.indexOf("=");
      return [line.slice(0, i), line.slice(i + 2, -1)];
    }),
);
// The bundle is one module: the rules that would pick up .txt/.wasm files are not needed (nor convertible).
const {
  modulesRules: _rules,
  connectHandlers: _handlers,
  ...workerOptions
} = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml")).workerOptions;
// wrangler hands out Miniflare 4's option shape; Miniflare 5 converts it.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: Number(port),
    log: new Log(LogLevel.WARN),
    resourcePersistencePath: state,
    // BENCH_MF_INSPECTOR=<port>: open workerd's inspector as wrangler dev does, to weigh what it costs.
    ...(process.env.BENCH_MF_INSPECTOR ? { inspectorPort: Number(process.env.BENCH_MF_INSPECTOR) } : {}),
    workers: [
      {
        ...workerOptions,
        name: "iop-orchestrator",
        modules: true,
        modulesRoot: dirname(bundle),
        scriptPath: bundle,
        bindings: { ...workerOptions.bindings, ...secrets, LOG_LEVEL: workerLog },
        assets: workerOptions.assets ? { ...workerOptions.assets, directory: join(ROOT, "src/web/public") } : undefined,
      },
    ],
  }),
);
await mf.ready;
console.log(`miniflare ready on ${port}`);
const stop = async () => {
  await mf.dispose();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
