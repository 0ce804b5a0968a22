// Reads and writes `.dev.vars`, the git-ignored file wrangler dev loads secrets from.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { generateSigningKeys } from "../../src/tokens/dev-keys.ts";
import { devPaths } from "./dev-paths.mjs";

/** `.dev.vars` of the project, or of IOP_DEV_DIR when set. */
export const DEV_VARS = devPaths().devVars;

/** Parse KEY=VALUE lines (values may be single-quoted JSON). */
export function readDevVars() {
  if (!existsSync(DEV_VARS)) return {};
  const vars = {};
  for (const line of readFileSync(DEV_VARS, "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let value = m[2];
    if ((value.startsWith("'") && value.endsWith("'")) || (value.startsWith('"') && value.endsWith('"'))) {
      value = value.slice(1, -1);
    }
    vars[m[1]] = value;
  }
  return vars;
}

/** Secrets a deployment sets only for the integrations it uses (wrangler.toml requires only the others). */
export const OPTIONAL_SECRETS = [
  "LIVEKIT_API_KEY",
  "LIVEKIT_API_SECRET",
  "WEBHOOK_SECRETS",
  "INTEGRATION_KEY",
  "GOOGLE_API_TOKEN",
  "GRAPH_API_TOKEN",
];

/**
 * `wrangler dev` loads from `.dev.vars` only the secrets wrangler.toml lists as required; the
 * optional ones present there are handed over as `--var` arguments, so local runs see them too.
 */
export function optionalSecretArgs(vars) {
  return Object.entries(optionalSecrets(vars)).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
}

/** The optional secrets present in `vars`, by name (for wrangler's API, as bindings). */
export function optionalSecrets(vars) {
  return Object.fromEntries(OPTIONAL_SECRETS.filter((name) => vars[name]).map((name) => [name, vars[name]]));
}

/** Make sure `.dev.vars` holds a signing key (and dev LiveKit and calendar values); returns the variables. */
export async function ensureDevVars() {
  const vars = readDevVars();
  let changed = false;
  if (!vars.SIGNING_KEYS) {
    vars.SIGNING_KEYS = await generateSigningKeys();
    changed = true;
    console.log("Generated a new Ed25519 signing key in .dev.vars");
  }
  // One-time console sign-in links (POST /v1/programs/{id}/sign-in-codes) exist only where this is
  // on; wrangler.toml leaves it empty, so a deployed Worker has none. Set it to "off" to do without.
  if (vars.DEV_SIGN_IN === undefined) {
    vars.DEV_SIGN_IN = "on";
    changed = true;
  }
  // Encrypts the calendar secrets an admin turns on through the API (src/calendar/secret-crypto.ts).
  if (!vars.INTEGRATION_KEY) {
    vars.INTEGRATION_KEY = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    changed = true;
  }
  if (!vars.ROOM_SECRET) {
    vars.ROOM_SECRET = crypto.randomUUID().replaceAll("-", "");
    changed = true;
  }
  if (!vars.LIVEKIT_API_KEY) {
    vars.LIVEKIT_API_KEY = `devkey${crypto.randomUUID().slice(0, 8)}`;
    vars.LIVEKIT_API_SECRET = crypto.randomUUID().replaceAll("-", "") + crypto.randomUUID().replaceAll("-", "");
    changed = true;
  }
  // Calendar secrets and API tokens stay absent until you add them (docs/calendar.md): absent means
  // "not configured". A leftover "unused" from older versions of this file is dropped.
  for (const name of OPTIONAL_SECRETS) {
    if (vars[name] === "unused") {
      delete vars[name];
      changed = true;
    }
  }
  if (changed) {
    const body = Object.entries(vars)
      .map(([k, v]) => `${k}='${v}'`)
      .join("\n");
    writeFileSync(DEV_VARS, `${body}\n`, { mode: 0o600 });
  }
  return vars;
}
