// A clinic's receiver of outbound events for the e2e tests: a Node HTTP server on 127.0.0.1 that
// verifies every delivery with the standardwebhooks package (as docs/events.md tells receivers to),
// answers 503 while `failing` and 204 otherwise, and remembers what it got. Plain Node (.mjs).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";

export async function startReceiver(port) {
  const state = { failing: true, secret: "", got: [], rejected: 0 };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      try {
        new Webhook(state.secret).verify(body, req.headers);
      } catch {
        state.rejected++;
        res.writeHead(401).end();
        return;
      }
      state.got.push({ id: String(req.headers["webhook-id"]), body, ok: !state.failing });
      res.writeHead(state.failing ? 503 : 204).end();
    });
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { state, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A throwaway IOP_DEV_DIR with a `.dev.vars` holding these secrets; `remove` deletes it. */
export async function devDir(vars) {
  const dir = await mkdtemp(join(tmpdir(), "iop-events-"));
  const lines = Object.entries(vars).map(([k, v]) => `${k}='${v}'`);
  await writeFile(join(dir, ".dev.vars"), `${lines.join("\n")}\n`, { mode: 0o600 });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
