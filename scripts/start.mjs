// `npm start`: a dev signing key on first start, `wrangler dev` on 127.0.0.1:8787 with local
// persistence, then the demo program seeded through the public API (idempotently).
import { spawn } from "node:child_process";
import { mintApiToken } from "../src/tokens/api-token.ts";
import { loadKeyRing } from "../src/tokens/keys.ts";
import { ensureDevVars } from "./lib/dev-vars.mjs";
import { seedDemo } from "./lib/seed.mjs";
import { wranglerVar } from "./lib/wrangler-vars.mjs";

const HOST = "127.0.0.1";
const PORT = process.env.PORT ?? "8787";
const BASE = `http://${HOST}:${PORT}`;

const vars = await ensureDevVars();
const wrangler = spawn(
  "wrangler",
  ["dev", "--ip", HOST, "--port", PORT, "--persist-to", ".wrangler/state", "--show-interactive-dev-session=false"],
  { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
);
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

try {
  await waitForHealth();
  const ring = await loadKeyRing(vars.SIGNING_KEYS);
  const admin = await mintApiToken(ring, {
    sub: "adm_demo",
    roles: ["admin"],
    issuer: wranglerVar("TOKEN_ISSUER"),
    audience: wranglerVar("TOKEN_AUDIENCE"),
    now: Math.floor(Date.now() / 1000),
  });
  const demo = await seedDemo(BASE, admin);
  console.log(`
iop-orchestrator is running at ${BASE}  (docs: ${BASE}/docs)
${demo.created ? "Seeded" : "Found"} the demo program (America/Los_Angeles):
  programId      ${demo.programId}
  tracks         ${JSON.stringify(demo.trackIds)}
  facilitatorId  ${demo.facilitatorId}
  clientIds      ${demo.clientIds.join(" ")}
Get a bearer token:
  npm run token -- --role admin --sub adm_demo
  npm run token -- --role facilitator --sub ${demo.facilitatorId} --program ${demo.programId}
  npm run token -- --role client --sub ${demo.clientIds[0]} --program ${demo.programId}
`);
} catch (err) {
  console.error(`start failed: ${err.message}`);
  stop();
}
