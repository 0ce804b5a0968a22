// Where `npm start` and `npm run token` keep their local files: the project's own (`.dev.vars`,
// `.wrangler/`), or a throwaway directory named by IOP_DEV_DIR (the browser tests start the demo there).
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The `.dev.vars` file, wrangler's state directory and the demo's ids, for this environment. */
export function devPaths(env = process.env) {
  const dir = env.IOP_DEV_DIR ? resolve(env.IOP_DEV_DIR) : null;
  return {
    /** Set when IOP_DEV_DIR names the directory: wrangler is then pointed at its `.dev.vars` explicitly. */
    dir,
    devVars: dir ? join(dir, ".dev.vars") : join(ROOT, ".dev.vars"),
    state: dir ? join(dir, "state") : join(ROOT, ".wrangler/state"),
    demo: dir ? join(dir, "demo.json") : join(ROOT, ".wrangler/demo.json"),
  };
}
