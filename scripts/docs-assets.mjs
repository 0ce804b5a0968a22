// `npm run assets`: copies Swagger UI's browser files from node_modules/swagger-ui-dist into the Worker's
// static assets (wrangler.toml `[assets]`), where GET /docs loads them. The copy is git-ignored, never
// committed: npm start, npm run build (so npm test) and the vitest config make it from the installed
// package, so a fresh clone after `npm install` serves the same version package-lock.json pins.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE", "swagger-ui-bundle.js.LICENSE.txt"];

/** Copy Swagger UI into src/web/public/docs/swagger-ui/ and return that directory. */
export function copyDocsAssets() {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const from = dirname(createRequire(join(root, "package.json")).resolve("swagger-ui-dist/package.json"));
  const to = join(root, "src", "web", "public", "docs", "swagger-ui");
  mkdirSync(to, { recursive: true });
  for (const file of FILES) copyFileSync(join(from, file), join(to, file));
  return to;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`assets: Swagger UI copied to ${copyDocsAssets()}`);
}
