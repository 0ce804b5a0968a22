// Starts the bench's peer token server (bench/peer/token-server.mjs) as a child process of its own,
// so its CPU time is read from /proc like workerd's, with the run's public keys and LiveKit's pair.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { wranglerVar } from "../../scripts/lib/wrangler-vars.mjs";
import { freePort } from "./server.mjs";
import { sleep } from "./util.mjs";

const SCRIPT = fileURLToPath(new URL("../peer/token-server.mjs", import.meta.url));

/** The public half of a JWK set of Ed25519 private keys. */
function publicJwks(signingKeys) {
  const { keys } = JSON.parse(signingKeys);
  return JSON.stringify({ keys: keys.map(({ d: _d, ...pub }) => pub) });
}

export async function startPeer(secrets) {
  const port = await freePort();
  const child = spawn(process.execPath, [SCRIPT], {
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      PEER_PORT: String(port),
      PEER_JWKS: publicJwks(secrets.SIGNING_KEYS),
      PEER_ISSUER: wranglerVar("TOKEN_ISSUER"),
      PEER_AUDIENCE: wranglerVar("TOKEN_AUDIENCE"),
      LIVEKIT_API_KEY: secrets.LIVEKIT_API_KEY,
      LIVEKIT_API_SECRET: secrets.LIVEKIT_API_SECRET,
    },
  });
  const ready = new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => String(d).includes("peer listening") && resolve());
    child.once("exit", (code) => reject(new Error(`peer exited with ${code}`)));
  });
  await Promise.race([ready, sleep(10_000).then(() => Promise.reject(new Error("peer did not start")))]);
  return {
    base: `http://127.0.0.1:${port}`,
    procs: [{ pid: child.pid }],
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}
