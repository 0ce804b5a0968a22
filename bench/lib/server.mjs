// Starts the product under `wrangler dev` for one benchmark run: a free port on 127.0.0.1, its own
// persistence directory and its own secrets (a temporary env file, never the project's .dev.vars),
// in its own process group so that stopping it ends wrangler and every workerd it started.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { optionalSecretArgs, optionalSecrets } from "../../scripts/lib/dev-vars.mjs";
import { generateSigningKeys } from "../../src/tokens/dev-keys.ts";
import { cmdline, groupProcesses, workerdProcesses } from "./proc.mjs";
import { sleep } from "./util.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const HOST = "127.0.0.1";

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const random = (bytes) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");

/**
 * Where the run's workerd keeps its Durable Object SQLite files: a RAM disk when the machine has
 * one (`BENCH_TMP` overrides). Local workerd commits every Durable Object write to a file on the
 * spot; on a VM's disk that flush cost more than the join's own work and varied from run to run,
 * and it is not what production storage does. The bench measures the product, not this disk.
 */
function stateRoot() {
  if (process.env.BENCH_TMP) return process.env.BENCH_TMP;
  return existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
}

const NO_LIMITERS = join(ROOT, "wrangler.bench-no-limiters.toml");

/**
 * The config wrangler dev serves: BENCH_CONFIG, or wrangler.toml. BENCH_NO_LIMITERS=1 serves
 * wrangler.toml without its [[ratelimits]] tables, to weigh the local rate limiter: Miniflare
 * simulates the binding with a Durable Object of its own, one fetch per `limit()` call, where
 * production's binding is a counter in the same location. Written beside wrangler.toml (its
 * relative paths must resolve) and removed when the server stops.
 */
function configPath() {
  const base = process.env.BENCH_CONFIG ?? join(ROOT, "wrangler.toml");
  if (!process.env.BENCH_NO_LIMITERS) return base;
  const tables = readFileSync(base, "utf8").split(/^(?=\[)/m);
  writeFileSync(NO_LIMITERS, tables.filter((t) => !t.startsWith("[[ratelimits]]")).join(""));
  return NO_LIMITERS;
}

/** The names under `[secrets] required` in wrangler.toml. */
export function requiredSecrets() {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  // Comments may hold brackets: drop them, then read the [secrets] table up to the next header.
  const lines = toml.split("\n").filter((l) => !l.trimStart().startsWith("#"));
  const from = lines.findIndex((l) => l.trim() === "[secrets]");
  const table = lines.slice(from + 1);
  const end = table.findIndex((l) => l.startsWith("["));
  const list = /required\s*=\s*\[([^\]]*)\]/.exec(table.slice(0, end === -1 ? undefined : end).join("\n"));
  if (from === -1 || !list) throw new Error("wrangler.toml has no [secrets] required list");
  return [...list[1].matchAll(/"([A-Z0-9_]+)"/g)].map((m) => m[1]);
}

/**
 * Values for this run only: every required secret, plus LiveKit's pair (the peer and LiveKit
 * programs use it). Optional integrations the run does not exercise (calendar APIs) stay absent.
 * A required secret not known here gets a random value (and a notice).
 */
async function benchSecrets() {
  const known = {
    SIGNING_KEYS: () => generateSigningKeys(),
    ROOM_SECRET: () => random(16),
    LIVEKIT_API_KEY: () => `bench${random(4)}`,
    LIVEKIT_API_SECRET: () => random(32),
  };
  const secrets = {};
  for (const name of new Set([...requiredSecrets(), "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"])) {
    if (!known[name]) console.warn(`bench: no generator for secret ${name}; using a random string`);
    secrets[name] = await (known[name] ?? (() => random(16)))();
  }
  return secrets;
}

/**
 * Start `wrangler dev` and wait for `/healthz`. Returns the base URL, the secrets (to mint bearer
 * tokens), the workerd processes to measure, and `stop()`, which is also wired to SIGINT, SIGTERM
 * and process exit so that no server outlives the run.
 */
export async function startServer({ logPath, logLevel = "info", timeoutMs = 120_000 }) {
  const dir = mkdtempSync(join(stateRoot(), "iop-bench-"));
  const secrets = await benchSecrets();
  const envFile = join(dir, "bench.env");
  const lines = Object.entries(secrets).map(([k, v]) => `${k}='${v}'`);
  writeFileSync(envFile, `${lines.join("\n")}\n`, { mode: 0o600 });

  // Bundle once, as `wrangler deploy` would, and serve that file: wrangler dev would otherwise
  // watch the sources and restart workerd whenever someone edits the project during the run.
  const build = join(dir, "build");
  const buildStarted = Date.now();
  const built = spawnSync(process.execPath, [WRANGLER, "deploy", "--dry-run", "--outdir", build], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" },
  });
  if (built.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`wrangler deploy --dry-run failed:\n${built.stdout}\n${built.stderr}`);
  }

  const buildMs = Date.now() - buildStarted;
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const base = `http://${HOST}:${port}`;
  // wrangler prints no times: prefix each line with seconds since start, and let the run mark
  // its phases, so an error line can be placed in the run.
  const log = createWriteStream(logPath);
  const t0 = Date.now();
  const stamp = () => `[+${((Date.now() - t0) / 1000).toFixed(1)}s] `;
  const pipeLines = (stream) => {
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) log.write(`${stamp()}${line}\n`);
    });
  };
  const args = [
    WRANGLER,
    "dev",
    join(build, "index.js"),
    "--no-bundle",
    "--config",
    configPath(),
    "--ip",
    HOST,
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    join(dir, "state"),
    "--env-file",
    envFile,
    // The env file carries only wrangler.toml's required secrets to the Worker; LiveKit's pair goes as vars.
    ...optionalSecretArgs(secrets),
    "--show-interactive-dev-session=false",
    // The Worker's own log level (LOG_LEVEL var); `BENCH_WORKER_LOG=info` keeps a line per request.
    "--var",
    `LOG_LEVEL:${process.env.BENCH_WORKER_LOG ?? "info"}`,
    "--log-level",
    logLevel,
  ];
  // BENCH_SERVER=miniflare: the same bundle under Miniflare's API, without wrangler's proxy;
  // BENCH_SERVER=dev-api: under wrangler's dev server through its API, with the inspector off.
  const mode = ["miniflare", "dev-api"].includes(process.env.BENCH_SERVER) ? process.env.BENCH_SERVER : "wrangler";
  // npm start's dev server (scripts/lib/dev-server.mjs) on the run's bundle, state and secrets.
  const devApiArgs = [
    join(ROOT, "scripts/lib/dev-server.mjs"),
    JSON.stringify({
      host: HOST,
      port,
      persistTo: join(dir, "state"),
      envFile,
      secrets: optionalSecrets(secrets),
      config: configPath(),
      bundle: join(build, "index.js"),
      vars: { LOG_LEVEL: process.env.BENCH_WORKER_LOG ?? "info" },
      logLevel,
    }),
  ];
  const hostArgs = [
    join(ROOT, "bench/lib/miniflare-host.mjs"),
    join(build, "index.js"),
    String(port),
    join(dir, "state"),
    envFile,
    process.env.BENCH_WORKER_LOG ?? "info",
  ];
  const child = spawn(process.execPath, { miniflare: hostArgs, "dev-api": devApiArgs }[mode] ?? args, {
    cwd: ROOT,
    detached: true, // its own process group: one signal reaches wrangler and workerd
    stdio: ["ignore", "pipe", "pipe"],
    // The Miniflare host reads wrangler.toml through wrangler, which looks for the required secrets here.
    env: {
      ...process.env,
      ...(mode === "miniflare" ? secrets : {}),
      WRANGLER_SEND_METRICS: "false",
      CI: "1",
      NO_COLOR: "1",
      // wrangler dev's local trace collector (on by default) costs about 1.7 ms of CPU per join: a
      // streaming tail for every invocation, Durable Object calls included. Off, as `npm start` has it.
      X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? "false",
    },
  });
  pipeLines(child.stdout);
  pipeLines(child.stderr);
  const pgid = child.pid;
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });

  const alive = () => groupProcesses(pgid).length > 0;
  // Once the group is empty its id may be reused by someone else's process: never signal it again.
  let gone = false;
  const killGroup = (signal) => {
    if (gone) return;
    try {
      process.kill(-pgid, signal);
    } catch {
      // the group is already gone
    }
  };
  let stopped = null;
  /** End the whole process group (SIGTERM, then SIGKILL after 5 s) and remove the temp directory. */
  const stop = () => {
    stopped ??= (async () => {
      killGroup("SIGTERM");
      for (let i = 0; i < 50 && alive(); i++) await sleep(100);
      if (alive()) killGroup("SIGKILL");
      for (let i = 0; i < 20 && alive(); i++) await sleep(100);
      gone = !alive();
      rmSync(dir, { recursive: true, force: true });
      rmSync(NO_LIMITERS, { force: true });
      await new Promise((resolve) => log.end(resolve));
    })();
    return stopped;
  };
  const onSignal = (sig) => {
    process.stderr.write(`\n${sig}: stopping the server…\n`);
    stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  // Last resort if the run dies without reaching stop(): synchronous, so it works inside 'exit'.
  process.once("exit", () => {
    killGroup("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    rmSync(NO_LIMITERS, { force: true });
  });

  const started = Date.now();
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`wrangler dev exited before answering; see ${logPath}`);
    }
    if (Date.now() - started > timeoutMs) {
      await stop();
      throw new Error(`no answer from ${base}/healthz within ${timeoutMs / 1000} s; see ${logPath}`);
    }
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  return {
    base,
    secrets,
    /** Where the Durable Objects' SQLite files live for this run (see stateRoot). */
    stateRoot: stateRoot(),
    /** wrangler's inspector proxy (Chrome DevTools protocol), for `npm run bench:profile`. */
    inspectorPort,
    buildMs,
    startupMs: Date.now() - started,
    pgid,
    /** Write a marker line into the wrangler log (the run's phases). */
    mark: (text) => log.write(`${stamp()}=== bench: ${text} ===\n`),
    /** Every process of the group: wrangler (node), workerd, esbuild. */
    all: () => groupProcesses(pgid),
    /** Every workerd process of this server (re-read: miniflare may restart them). */
    workerd: () => workerdProcesses(pgid),
    /**
     * The workerd that runs the Worker and its Durable Objects, and wrangler's proxy workerd in
     * front of it (the one listening on our port), which production does not have.
     */
    mode,
    split: () => {
      const all = workerdProcesses(pgid);
      if (mode === "miniflare") return { worker: all, proxy: [] };
      const isProxy = (p) => cmdline(p.pid).includes(`entry=${HOST}:${port} `);
      return { worker: all.filter((p) => !isProxy(p)), proxy: all.filter(isProxy) };
    },
    stop,
  };
}
