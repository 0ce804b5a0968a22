// Runs `vitest run` under a watchdog. Inside workerd a test that never yields (a synchronous endless
// loop) blocks the whole pool: vitest's own test timeout cannot fire and the run would sit silent
// until CI kills it. The watchdog stops such a run and fails it with a message that says so. It never
// retries: a stall has always been a real bug (a NaN time once made the interval walk spin forever).
import { spawn } from "node:child_process";

const LIMIT_MS = Number(process.env.VITEST_WATCHDOG_SECONDS ?? 480) * 1000;
const child = spawn("vitest", ["run", ...process.argv.slice(2)], { stdio: "inherit", detached: true });

const timer = setTimeout(() => {
  console.error(
    `\nrun-vitest: no result after ${LIMIT_MS / 1000} s. A test is stuck (look at the files above that never reported; ` +
      "run one with `npx vitest run <file>` and a fixed fast-check seed). Stopping vitest and its workerd processes.",
  );
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {}
  process.exit(1);
}, LIMIT_MS);

child.on("error", (err) => {
  clearTimeout(timer);
  console.error(`run-vitest: could not start vitest: ${err.message}`);
  process.exit(1);
});
child.on("exit", (code) => {
  clearTimeout(timer);
  process.exit(code ?? 1);
});
