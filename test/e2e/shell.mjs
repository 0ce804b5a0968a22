// The Node side of the walk-through checks (the tests' TypeScript has no Node types): the README's
// lines against the template, and the printed lines run in bash from the repository root.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
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

/**
 * Every place under `dir` (files, recursively: the dev server's state and its log) whose bytes hold
 * one of `needles` as UTF-8; the storage scans of the privacy checks read files as bytes, since
 * SQLite and KV keep text as UTF-8 wherever it is.
 */
export function filesHolding(dir, needles) {
  const hits = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = readFileSync(path);
    for (const needle of needles) {
      if (bytes.includes(Buffer.from(needle, "utf8"))) hits.push({ file: path.slice(dir.length), needle });
    }
  }
  return hits;
}
