// Global setup of the browser tests: `wrangler dev` on a free port with its own state directory and
// its own throwaway secrets (never the developer's `.dev.vars`), stopped with its whole process
// group on teardown. Plain Node (.mjs): this side of the suite runs outside workerd.
import { spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { wranglerVar } from "../../scripts/lib/wrangler-vars.mjs";
import { generateSigningKeys } from "../../src/tokens/dev-keys.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SECRETS = ["SIGNING_KEYS", "ROOM_SECRET", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"];

/** The first port from `from` that nobody listens on. */
async function freePort(from) {
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

async function waitForHealth(base, child, logPath) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  const log = readFileSync(logPath, "utf8").slice(-3000);
  throw new Error(`wrangler dev did not answer ${base}/healthz:\n${log}`);
}

/** Stop the process group: wrangler and the workerd it started. */
async function stop(child) {
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

export default async function setup(project) {
  const dir = await mkdtemp(join(tmpdir(), "iop-e2e-"));
  const signingKeys = await generateSigningKeys();
  const secrets = {
    SIGNING_KEYS: signingKeys,
    ROOM_SECRET: crypto.randomUUID(),
    LIVEKIT_API_KEY: "unused",
    LIVEKIT_API_SECRET: "unused",
  };
  const envFile = join(dir, "secrets.env");
  // Single quotes: dotenv keeps the JSON of the key set literally.
  await writeFile(envFile, `${SECRETS.map((k) => `${k}='${secrets[k]}'`).join("\n")}\n`, { mode: 0o600 });

  const port = await freePort(8790);
  const inspector = await freePort(9330);
  const base = `http://127.0.0.1:${port}`;
  const logPath = join(dir, "wrangler.log");
  const out = openSync(logPath, "a");
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" };
  for (const k of SECRETS) delete env[k];
  const args = [
    join(ROOT, "node_modules/wrangler/bin/wrangler.js"),
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspector),
    "--persist-to",
    join(dir, "state"),
    "--env-file",
    envFile,
    "--show-interactive-dev-session=false",
    "--log-level",
    "warn",
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", out, out] });

  const teardown = async () => {
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(base, child, logPath);
  } catch (err) {
    await teardown();
    throw err;
  }
  project.provide("e2e", {
    base,
    signingKeys,
    issuer: wranglerVar("TOKEN_ISSUER"),
    audience: wranglerVar("TOKEN_AUDIENCE"),
  });
  return teardown;
}
