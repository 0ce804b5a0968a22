// Looks through wrangler dev's output after a run for errors and warnings the Worker or wrangler
// logged, and says in which phase of the run each appeared (the run writes `=== bench: … ===`
// markers into the log). Worker lines are JSON with opaque ids only (src/lib/log.ts).
import { existsSync, readFileSync } from "node:fs";

// Not about the product: the sandbox has no route to workers.cloudflare.com (wrangler's
// `Request.cf` fetch), crons are never triggered under wrangler dev, and stack frames follow.
const NOISE = [
  /Scheduled Workers are not automatically triggered/,
  /Unable to fetch the `Request.cf` object/,
  /getaddrinfo ENOTFOUND workers\.cloudflare\.com/,
  /^\s+at /,
];
const ERROR = [/"level":"error"/, /\[ERROR\]/, /\bUncaught\b/, /\s5\d\d [A-Z][a-z]/];
const WARN = [/"level":"warn"/, /\[WARNING\]/, /\[wrangler:warn\]/];
const MARK = /=== bench: (.*) ===/;
const STAMP = /^\[\+[\d.]+s\] /;

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing terminal colour codes
const plain = (line) => line.replace(/\x1b\[[0-9;]*m/g, "");

/** Count error and warning lines, and keep a few distinct ones with the phase they came in. */
export function scanLog(path) {
  if (!existsSync(path)) return { path, errorLines: 0, warnLines: 0, errors: [], warnings: [] };
  let phase = "startup";
  const errors = new Map();
  const warnings = new Map();
  let errorLines = 0;
  let warnLines = 0;
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = plain(raw);
    const mark = MARK.exec(line);
    if (mark) {
      phase = mark[1] ?? phase;
      continue;
    }
    const text = line.replace(STAMP, "");
    if (NOISE.some((re) => re.test(text))) continue;
    const key = `${phase}: ${text.replace(/"time":"[^"]*",?/, "").slice(0, 240)}`;
    if (ERROR.some((re) => re.test(text))) {
      errorLines++;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    } else if (WARN.some((re) => re.test(text))) {
      warnLines++;
      warnings.set(key, (warnings.get(key) ?? 0) + 1);
    }
  }
  const top = (m) => [...m].slice(0, 10).map(([line, n]) => `${n}× ${line}`);
  return { path, errorLines, warnLines, errors: top(errors), warnings: top(warnings) };
}
