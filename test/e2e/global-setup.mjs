// Global setup of the browser tests: `npm start` exactly as a newcomer runs it (scripts/start.mjs),
// on a free port (PORT) with a throwaway directory for its state, demo ids and secrets
// (IOP_DEV_DIR: never the developer's `.dev.vars` or `.wrangler/`), its printed banner parsed for
// the tests, and its whole process group stopped on teardown. Plain Node (.mjs): this side of the
// suite runs outside workerd.
import { spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { wranglerVar } from "../../scripts/lib/wrangler-vars.mjs";
import { generateSigningKeys } from "../../src/tokens/dev-keys.ts";
import { startOidcServer } from "../stand-ins/oidc-server.mjs";
import { bannerOf, parseBanner } from "./start-output.mjs";

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

/** Wait until `npm start` has printed its whole banner; its text, or the log's tail in the error. */
async function waitForBanner(child, logPath) {
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
  };
  const port = await freePort(8790);
  // The clinic's OpenID provider, as a local stand-in: staff sign in to the console through it.
  const oidc = await startOidcServer({
    port: await freePort(9480),
    clientId: "iop-console-e2e",
    redirectUris: [`http://127.0.0.1:${port}/auth/callback`],
  });
  const vars = { ...secrets, AUTH_ISSUER: oidc.issuer, AUTH_CLIENT_ID: "iop-console-e2e" };
  // The throwaway secrets in the throwaway `.dev.vars`; start.mjs adds what it needs (DEV_SIGN_IN).
  const devVars = Object.entries(vars).map(([k, v]) => `${k}='${v}'`);
  await writeFile(join(dir, ".dev.vars"), `${devVars.join("\n")}\n`, { mode: 0o600 });

  const inspector = await freePort(9330);
  const logPath = join(dir, "start.log");
  const out = openSync(logPath, "a");
  const env = {
    ...process.env,
    PORT: String(port),
    INSPECTOR_PORT: String(inspector),
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

  const teardown = async () => {
    await stop(child);
    await oidc.close();
    await rm(dir, { recursive: true, force: true });
  };
  let demo;
  try {
    demo = parseBanner(await waitForBanner(child, logPath));
  } catch (err) {
    await teardown();
    throw err;
  }
  project.provide("e2e", {
    base: demo.base,
    signingKeys,
    issuer: wranglerVar("TOKEN_ISSUER"),
    audience: wranglerVar("TOKEN_AUDIENCE"),
    demo,
    devDir: dir,
    oidcIssuer: oidc.issuer,
  });
  return teardown;
}
