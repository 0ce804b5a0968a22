// The Node side of the walk-through checks (the tests' TypeScript has no Node types): the README's
// lines against the template, and the printed lines run in bash from the repository root.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { README_IDS, walkthrough } from "../../scripts/lib/walkthrough.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The walk-through's lines, with the README's shell variables. */
export function readmeWalkthrough() {
  return walkthrough(README_IDS);
}

/** Lines of the walk-through template the README does not show verbatim. */
export function missingFromReadme() {
  const readme = readFileSync(`${ROOT}README.md`, "utf8");
  return readmeWalkthrough().filter((line) => !readme.includes(line));
}

/**
 * Run `lines` in bash from the repository root, exactly as printed, except that each `curl`
 * answers its HTTP status instead of its body; returns the statuses in order.
 */
export function curlStatuses(lines) {
  const wrapper = `curl() { command curl -sS -o /dev/null -w '%{http_code}\\n' "$@"; }`;
  const script = ["set -eu", wrapper, ...lines].join("\n");
  return execFileSync("bash", ["-c", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 })
    .trim()
    .split("\n")
    .map(Number);
}
