// `npm start`: a dev signing key on first start, wrangler's dev server on 127.0.0.1:$PORT (8787)
// with local persistence (scripts/lib/dev-server.mjs), then the demo program seeded through the public API (idempotently), a drop-in
// session open now, and the links and commands a newcomer pastes.
// IOP_DEV_DIR=<dir> keeps `.dev.vars`, wrangler's state and the demo's ids there instead (the
// browser tests use a throwaway one); INSPECTOR_PORT=<port> opens wrangler's inspector
// there for DevTools (off otherwise: see dev-server.mjs).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mintApiToken } from "../src/tokens/api-token.ts";
import { loadKeyRing } from "../src/tokens/keys.ts";
import { apiClient } from "./lib/api.mjs";
import { banner } from "./lib/banner.mjs";
import { devPaths } from "./lib/dev-paths.mjs";
import { ensureDevVars, optionalSecrets } from "./lib/dev-vars.mjs";
import { ensureDropIn } from "./lib/drop-in.mjs";
import { inviteLinks, signInLink } from "./lib/links.mjs";
import { demoClients, seedDemo, writeDemo } from "./lib/seed.mjs";
import { wranglerVar } from "./lib/wrangler-vars.mjs";

const HOST = "127.0.0.1";
const PORT = process.env.PORT || "8787";
const BASE = `http://${HOST}:${PORT}`;
const DEV_SERVER = fileURLToPath(new URL("./lib/dev-server.mjs", import.meta.url));

const paths = devPaths();
const vars = await ensureDevVars();
const server = {
  host: HOST,
  port: PORT,
  persistTo: paths.state,
  // wrangler reads the project's .dev.vars by itself; another directory's has to be named.
  ...(paths.dir ? { envFile: paths.devVars } : {}),
  secrets: optionalSecrets(vars),
};
const wrangler = spawn(process.execPath, [DEV_SERVER, JSON.stringify(server)], {
  stdio: ["ignore", "inherit", "inherit"],
  // wrangler's local trace collector attaches a streaming tail to every invocation, Durable Object
  // calls included, and doubled the join's CPU (docs/bench.md): off unless asked for.
  env: {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? "false",
  },
});
const stop = () => wrangler.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
wrangler.on("exit", (code) => process.exit(code ?? 0));

async function waitForHealth() {
  for (let i = 0; i < 240; i++) {
    try {
      const res = await fetch(`${BASE}/healthz`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the Worker did not answer ${BASE}/healthz within 120 s`);
}

/** A bearer token from the dev key, as `npm run token` mints. */
async function token(sub, role, program) {
  const ring = await loadKeyRing(vars.SIGNING_KEYS);
  return mintApiToken(ring, {
    sub,
    roles: [role],
    program,
    issuer: wranglerVar("TOKEN_ISSUER"),
    audience: wranglerVar("TOKEN_AUDIENCE"),
    now: Math.floor(Date.now() / 1000),
  });
}

try {
  await waitForHealth();
  const admin = apiClient(BASE, await token("adm_demo", "admin"));
  const { demo, created } = await seedDemo(admin);
  const facilitator = apiClient(BASE, await token(demo.facilitatorId, "facilitator", demo.programId));
  const dropIn = await ensureDropIn({ admin, facilitator }, demo);
  const clients = await demoClients(admin, demo);
  writeDemo({ ...demo, clients });
  const links = await inviteLinks(admin, clients);
  const signIn = await signInLink(admin, demo);
  const env = paths.dir ? `IOP_DEV_DIR=${paths.dir} ` : "";
  console.log(banner({ base: BASE, demo, created, clients: links, dropIn, signIn, env }));
} catch (err) {
  console.error(`start failed: ${err.message}`);
  stop();
}
