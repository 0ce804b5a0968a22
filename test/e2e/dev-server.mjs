// Start and stop `npm start` (scripts/start.mjs) in a directory of its own: the browser tests' global
// setup starts one for the whole run; a test that restarts the dev server (test/e2e/event-restart)
// starts its own, twice over the same directory. Plain Node (.mjs).
import { spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bannerOf } from "./start-output.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SECRETS = [
  "SIGNING_KEYS",
  "ROOM_SECRET",
  "LIVEKIT_API_KEY",
  "LIVEKIT_API_SECRET",
  "DEV_SIGN_IN",
  "INTEGRATION_KEY",
];

/** The first port from `from` that nobody listens on. */
export async function freePort(from) {
  for (let port = from; port < from + 200; port++) {
    const free = await new Promise((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port from ${from}`);
}

/** Wait until `npm start` has printed its whole banner; its text, or the log's tail in the error. */
export async function waitForBanner(child, logPath) {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const banner = bannerOf(readFileSync(logPath, "utf8"));
    if (banner) return banner;
    await new Promise((r) => setTimeout(r, 300));
  }
  const log = readFileSync(logPath, "utf8").slice(-3000);
  throw new Error(`npm start printed no banner:\n${log}`);
}

/** Stop the process group: start.mjs, wrangler and the workerd it started. */
export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {}
  const timeout = new Promise((resolve) => setTimeout(() => resolve("timeout"), 5000));
  if ((await Promise.race([exited, timeout])) === "timeout") {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
    await exited;
  }
}

/**
 * `npm start` with its state, `.dev.vars` and demo ids in `dir` (IOP_DEV_DIR) on `port`, in a process
 * group of its own so that `stop` ends wrangler and workerd with it. Its output goes to `dir/start.log`.
 */
export async function startDev(dir, port) {
  const logPath = join(dir, "start.log");
  const out = openSync(logPath, "a");
  const env = {
    ...process.env,
    PORT: String(port),
    IOP_DEV_DIR: dir,
    WRANGLER_SEND_METRICS: "false",
    CI: "1",
  };
  for (const k of SECRETS) delete env[k];
  const child = spawn(process.execPath, [join(ROOT, "scripts/start.mjs")], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", out, out],
  });
  return { child, logPath };
}
