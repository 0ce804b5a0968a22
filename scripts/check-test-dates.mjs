// Fails when a test that reaches the Worker or a Durable Object, or a fixture such a test imports,
// holds a fixed calendar date.
// Durable Object alarms run on the real clock whatever a test's injected clock says: a room whose
// session "ended" before the real now is closed by its alarm at once, so a fixture at a fixed date
// turns red the day the real date passes it. Such tests take their dates from test/dates.ts
// (computed from the real now). Pure tests (no `cloudflare:*` import, directly or through a local
// fixture) may use any date: nothing in them runs on the real clock.
// A line may opt out with a `date-ok: <why>` comment, for dates that are data and never times
// anything (a malformed date a validator must refuse, a year the product must reject).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");
const TEST = join(ROOT, "test");

const HAZARDS = [
  [/(?<!\d)(19|20)\d\d-[01]\d-[0-3]\d(?!\d)/, "a fixed calendar date"],
  [/(?<!\d)(19|20)\d\d-W[0-5]\d(?!\d)/, "a fixed ISO week"],
  [/\bDate\.UTC\(\s*\d{4}|new Date\(\s*\d{4}\s*,/, "a fixed date built from numbers"],
  [/\b1[6-9]\d{8}(\d{3})?\b/, "a fixed epoch time"],
];
const RUNTIME = /from\s+["']cloudflare:(test|workers)["']/;

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(m?[jt]sx?)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const all = files(TEST);
const source = new Map(all.map((f) => [f, readFileSync(f, "utf8")]));
const imports = new Map(
  all.map((f) => [
    f,
    [...source.get(f).matchAll(/from\s+["'](\.{1,2}\/[^"']+)["']/g)]
      .map((m) => resolve(dirname(f), m[1]))
      .filter((p) => source.has(p)),
  ]),
);

/** Whether a file runs against the platform: it, or a local module it imports, uses `cloudflare:*`; e2e runs against wrangler dev. */
const reaches = new Map();
function reachesRuntime(f, seen = new Set()) {
  if (reaches.has(f)) return reaches.get(f);
  if (seen.has(f)) return false;
  seen.add(f);
  const yes =
    relative(TEST, f).startsWith("e2e") ||
    RUNTIME.test(source.get(f)) ||
    imports.get(f).some((g) => reachesRuntime(g, seen));
  reaches.set(f, yes);
  return yes;
}

/** Runtime tests and every local module they import: a fixture's default date reaches the room too. */
const inScope = new Set();
function include(f) {
  if (inScope.has(f)) return;
  inScope.add(f);
  for (const g of imports.get(f)) include(g);
}
for (const f of all) if (reachesRuntime(f)) include(f);

const found = [];
for (const f of all) {
  if (f === join(TEST, "dates.ts") || !inScope.has(f)) continue;
  source
    .get(f)
    .split("\n")
    .forEach((line, i) => {
      if (line.includes("date-ok:")) return;
      for (const [re, what] of HAZARDS) {
        const m = re.exec(line);
        if (m) found.push(`  ${relative(ROOT, f)}:${i + 1}: ${what} (${m[0]})`);
      }
    });
}

if (found.length > 0) {
  console.error(
    `check-test-dates: ${found.length} fixed date(s) in tests that reach the Worker or a Durable Object.\n` +
      "Alarms run on the real clock, so these tests turn red once the real date passes them.\n" +
      "Take dates from test/dates.ts (futureMonday, zoned, plusDays, nextTransition, …), or mark a date\n" +
      "that never times anything with a `date-ok: <why>` comment on its line.\n" +
      found.join("\n"),
  );
  process.exit(1);
}
console.log(`check-test-dates: ${all.length} test files, none that reaches the runtime holds a fixed date`);
