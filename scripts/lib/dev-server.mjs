// The dev server `npm start` runs (and `npm run bench` with BENCH_SERVER=dev-api): wrangler's own
// (local workerd and its proxy, watching the sources and rebuilding on an edit), started through
// wrangler's API (`unstable_startWorker`, what `wrangler dev` runs inside) because the CLI cannot
// turn the inspector off. With the inspector on, wrangler's inspector proxy receives every console
// line of the Worker and keeps it in a buffer that only an attached DevTools drains: under load its
// workerd grows without end and spends about half a millisecond of CPU per log line (docs/bench.md,
// "The request log under wrangler dev"). INSPECTOR_PORT=<port> turns the inspector on there.
// Usage: node dev-server.mjs '<json>', the JSON's fields as `Options` below says.
import { fileURLToPath } from "node:url";
import { unstable_startWorker } from "wrangler";

/**
 * @typedef {object} Options
 * @property {string} host
 * @property {string|number} port
 * @property {string} persistTo   where Durable Objects and KV keep their state
 * @property {string} [envFile]   secrets from this file instead of the project's .dev.vars
 * @property {Record<string,string>} [secrets]  more secrets, by name
 * @property {Record<string,string>} [vars]     plain variables over wrangler.toml's
 * @property {string} [config]    another wrangler.toml (the bench's without rate limiters)
 * @property {string} [bundle]    serve this built bundle as it is, without watching the sources
 * @property {string} [logLevel]  wrangler's own log level
 */
/** @type {Options} */
const o = JSON.parse(process.argv[2]);
const inspectorPort = process.env.INSPECTOR_PORT ? Number(process.env.INSPECTOR_PORT) : null;
const binding =
  (type) =>
  ([name, value]) => [name, { type, value }];

const worker = await unstable_startWorker({
  config: o.config ?? fileURLToPath(new URL("../../wrangler.toml", import.meta.url)),
  ...(o.bundle ? { entrypoint: o.bundle, build: { bundle: false } } : {}),
  // wrangler reads the project's .dev.vars by itself; another directory's has to be named.
  ...(o.envFile ? { envFiles: [o.envFile] } : {}),
  bindings: Object.fromEntries([
    ...Object.entries(o.secrets ?? {}).map(binding("secret_text")),
    ...Object.entries(o.vars ?? {}).map(binding("plain_text")),
  ]),
  dev: {
    server: { hostname: o.host, port: Number(o.port) },
    inspector: inspectorPort === null ? false : { hostname: o.host, port: inspectorPort },
    persist: o.persistTo,
    ...(o.bundle ? { watch: false } : {}),
    ...(o.logLevel ? { logLevel: o.logLevel } : {}),
  },
});
await worker.ready;
if (inspectorPort !== null) console.log(`wrangler's inspector (DevTools) on ${o.host}:${inspectorPort}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await worker.dispose();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
