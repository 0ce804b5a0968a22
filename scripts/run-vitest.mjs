// Runs `vitest run` with a watchdog. @cloudflare/vitest-plugin can stall mid-run with no output and
// never exit (open upstream: cloudflare/workers-sdk#15498; seen here about one run in five on a
// busy 2-core machine). A stalled attempt is killed with its workerd processes and run again;
// failing tests are never retried — only an attempt that produced no result in time.
import { spawn } from "node:child_process";

const ATTEMPTS = 3;
const LIMIT_MS = Number(process.env.VITEST_WATCHDOG_SECONDS ?? 480) * 1000;
const args = ["run", ...process.argv.slice(2)];

function attempt(n) {
  return new Promise((resolve) => {
    const child = spawn("vitest", args, { stdio: "inherit", detached: true });
    const timer = setTimeout(() => {
      console.error(
        `\nrun-vitest: attempt ${n} produced no result in ${LIMIT_MS / 1000} s (workers-sdk#15498); stopping it.`,
      );
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
      resolve("stalled");
    }, LIMIT_MS);
    child.on("error", (err) => {
      clearTimeout(timer);
      console.error(`run-vitest: could not start vitest: ${err.message}`);
      resolve(1);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}

for (let n = 1; n <= ATTEMPTS; n++) {
  const result = await attempt(n);
  if (result !== "stalled") process.exit(result);
  if (n < ATTEMPTS) console.error(`run-vitest: running the suite again (attempt ${n + 1} of ${ATTEMPTS}).`);
}
console.error(`run-vitest: every attempt stalled; failing.`);
process.exit(1);
