// Global setup of the browser tests: `npm start` exactly as a newcomer runs it (scripts/start.mjs),
// on a free port (PORT) with a throwaway directory for its state, demo ids and secrets
// (IOP_DEV_DIR: never the developer's `.dev.vars` or `.wrangler/`), its printed banner parsed for
// the tests, and its whole process group stopped on teardown. Plain Node (.mjs): this side of the
// suite runs outside workerd.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { wranglerVar } from "../../scripts/lib/wrangler-vars.mjs";
import { generateSigningKeys } from "../../src/tokens/dev-keys.ts";
import { startOidcServer } from "../stand-ins/oidc-server.mjs";
import { freePort, startDev, stop, waitForBanner } from "./dev-server.mjs";
import { parseBanner } from "./start-output.mjs";

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

  const { child, logPath } = await startDev(dir, port);
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
