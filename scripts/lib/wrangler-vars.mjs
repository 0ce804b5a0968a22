// Reads a `[vars]` value from wrangler.toml, so scripts and the Worker agree on issuer and audience.
import { readFileSync } from "node:fs";

const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");

/** The string value of `name` in wrangler.toml's [vars] table. */
export function wranglerVar(name) {
  const m = new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m").exec(toml);
  if (!m) throw new Error(`${name} is not set in wrangler.toml [vars]`);
  return m[1];
}
