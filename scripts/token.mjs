// `npm run token -- --role admin|facilitator|client|gateway --sub ID [--program ID] [--ttl SECONDS]`
// Prints a bearer token signed with the local key in .dev.vars (created on first use).
// A gateway (a media gateway's introspection credential) always belongs to one program: --program is required.
import { parseArgs } from "node:util";
import { mintApiToken } from "../src/tokens/api-token.ts";
import { loadKeyRing } from "../src/tokens/keys.ts";
import { ensureDevVars } from "./lib/dev-vars.mjs";
import { wranglerVar } from "./lib/wrangler-vars.mjs";

const { values } = parseArgs({
  options: {
    role: { type: "string" },
    sub: { type: "string" },
    program: { type: "string" },
    ttl: { type: "string", default: "28800" },
  },
});
const roles = ["admin", "facilitator", "client", "gateway"];
if (!values.role || !roles.includes(values.role) || !values.sub) {
  console.error(
    "usage: npm run token -- --role admin|facilitator|client|gateway --sub ID [--program ID] [--ttl SECONDS]",
  );
  process.exit(2);
}
if (values.role === "gateway" && !values.program) {
  console.error("--role gateway needs --program: a gateway introspects the tokens of one program only");
  process.exit(2);
}
if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(values.sub)) {
  console.error("--sub must be an opaque id (letters, digits, _ . : -), never a name or e-mail");
  process.exit(2);
}
const vars = await ensureDevVars();
const ring = await loadKeyRing(vars.SIGNING_KEYS);
const token = await mintApiToken(ring, {
  sub: values.sub,
  roles: [values.role],
  program: values.program,
  issuer: wranglerVar("TOKEN_ISSUER"),
  audience: wranglerVar("TOKEN_AUDIENCE"),
  now: Math.floor(Date.now() / 1000),
  ttlSeconds: Number(values.ttl),
});
console.log(token);
