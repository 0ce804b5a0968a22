// `npm run audit`: the supply-chain check. Runs `npm audit --omit=dev` (the packages that reach the
// Worker) and fails on any high or critical advisory. When npm cannot reach the registry's advisory
// endpoint (these build machines answer 405 to its POST), nothing was checked: it says so plainly
// and exits 0, or 1 with AUDIT_REQUIRED=1 (set it wherever the endpoint is reachable).
// AUDIT_REPORT=<file> reads a saved `npm audit --json` report instead, to check this script itself.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const run = process.env.AUDIT_REPORT
  ? { stdout: readFileSync(process.env.AUDIT_REPORT, "utf8"), stderr: "" }
  : spawnSync("npm", ["audit", "--omit=dev", "--json"], { encoding: "utf8" });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  report = { error: { summary: (run.stderr || run.stdout || "no output").trim().slice(0, 300) } };
}

if (report.error || report.statusCode) {
  const why = report.message || report.error?.summary || `status ${report.statusCode}`;
  console.error(`audit: NOT RUN. npm could not get advisories from the registry: ${why}`);
  process.exit(process.env.AUDIT_REQUIRED === "1" ? 1 : 0);
}

const counts = report.metadata?.vulnerabilities ?? {};
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
const summary = ["critical", "high", "moderate", "low", "info"].map((s) => `${counts[s] ?? 0} ${s}`).join(", ");
if (serious > 0) {
  for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
    if (v.severity === "high" || v.severity === "critical") console.error(`  ${v.severity}: ${name} ${v.range}`);
  }
  console.error(`audit: FAIL. Runtime dependencies have ${summary} advisories.`);
  process.exit(1);
}
console.log(`audit: runtime dependencies have ${summary} advisories; none high or critical.`);
