// `npm run lint:openapi`: writes the OpenAPI document the Worker serves at /openapi.json to
// dist/openapi.json and lints it with Redocly CLI's `recommended` rules (redocly.yaml). Any error or
// warning fails. Offline: the app is bundled with the esbuild wrangler already brings and asked for its
// document in Node, so no dev server is needed, and Redocly's telemetry and update notices are off.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "openapi.json");

/** The document exactly as `GET /openapi.json` builds it, from the app factory and the route schemas. */
async function openApiDocument() {
  const bundle = await build({
    stdin: {
      contents:
        'import { createApp } from "./src/http/app.ts"; import { openApiDocument } from "./src/http/routes/docs.ts";' +
        "export const document = openApiDocument(createApp());",
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "warning",
  });
  const code = bundle.outputFiles[0].text;
  const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
  return mod.document;
}

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(await openApiDocument(), null, 2)}\n`);

const cli = join(root, "node_modules", "@redocly", "cli", "bin", "cli.js");
const run = spawnSync(
  process.execPath,
  [cli, "lint", out, "--config", join(root, "redocly.yaml"), "--format", "json", "--max-problems", "1000"],
  {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", CI: "true" },
  },
);
let report;
try {
  report = JSON.parse(run.stdout.slice(run.stdout.indexOf("{")));
} catch {
  console.error(`lint:openapi: Redocly gave no report (exit ${run.status}).\n${run.stderr}${run.stdout}`);
  process.exit(1);
}

const { errors = 0, warnings = 0, ignored = 0 } = report.totals ?? {};
for (const p of report.problems ?? []) {
  const where = p.location?.[0]?.pointer ?? "";
  console.error(`  ${p.severity} ${p.ruleId} ${where}: ${p.message}`);
}
const summary = `${errors} errors, ${warnings} warnings, ${ignored} ignored`;
if (errors + warnings + ignored > 0 || run.status !== 0) {
  console.error(`lint:openapi: FAIL. Redocly recommended on dist/openapi.json: ${summary}.`);
  process.exit(1);
}
console.log(`lint:openapi: Redocly recommended on dist/openapi.json: ${summary}.`);
