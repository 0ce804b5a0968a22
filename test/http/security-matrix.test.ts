import { describe, expect, it } from "vitest";
import { Role } from "../../schemas/common.ts";
import type { Scope } from "../../src/http/middleware/auth.ts";
import { createProgram, harness } from "../helpers.ts";

type Operation = { "x-roles"?: Role[]; "x-scope"?: Scope; security?: unknown[] };
type Doc = { paths: Record<string, Record<string, Operation>> };

/** Every role there is, so a new one is refused everywhere it is not listed. */
const ROLES: readonly Role[] = Role.options;
const OTHER_PROGRAM = "prg_00000000000000000000";

/** Every protected operation of the OpenAPI document, with its path parameters filled in. */
async function protectedOperations() {
  const { call, token } = harness();
  const admin = await token("admin", "adm_matrix");
  const programId = await createProgram(call, admin);
  const doc = (await call("GET", "/openapi.json")).body as Doc;
  const ops: { method: string; path: string; url: string; roles: Role[]; scope?: Scope }[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!op["x-roles"]) continue;
      const url = path.replace("{programId}", programId).replace(/\{[^}]+\}/g, "xyz_0000000000000000");
      ops.push({ method: method.toUpperCase(), path, url, roles: op["x-roles"], scope: op["x-scope"] });
    }
  }
  return { ops, programId };
}

describe("security matrix generated from the route table", () => {
  it("covers at least the program routes", async () => {
    const { ops } = await protectedOperations();
    expect(ops.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining([
        "POST /v1/programs",
        "GET /v1/programs/{programId}",
        "PATCH /v1/programs/{programId}",
        "GET /v1/programs/{programId}/enrollments",
        "POST /v1/programs/{programId}/sign-in-codes",
        "POST /v1/tokens/introspect",
      ]),
    );
  });

  it("opens nothing but introspection to a media gateway", async () => {
    const { ops } = await protectedOperations();
    const open = ops.filter((o) => o.roles.includes("gateway")).map((o) => `${o.method} ${o.path}`);
    expect(open).toEqual(["POST /v1/tokens/introspect"]);
  });

  it("answers 401 without a token, 403 for a role not allowed, 403/404 for another program's token", async () => {
    const { ops, programId } = await protectedOperations();
    const { call, token } = harness();
    for (const op of ops) {
      const send = (t?: string) => call(op.method, op.url, { token: t, body: op.method === "GET" ? undefined : {} });
      const anonymous = await send();
      expect(anonymous.status, `${op.method} ${op.path} without a token`).toBe(401);

      for (const role of ROLES.filter((r) => !op.roles.includes(r))) {
        const res = await send(await token(role, `sub_${role}`, programId));
        expect(res.status, `${op.method} ${op.path} as ${role}`).toBe(403);
      }
      // A route scoped to the caller's program names the program in its body, so another program's
      // token passes the door and the handler narrows the answer (test/tokens/introspect.test.ts);
      // what the door refuses there is a token of no program, unless it is an admin's.
      if (op.scope === "caller") {
        for (const role of op.roles.filter((r) => r !== "admin")) {
          const res = await send(await token(role, `sub_${role}`));
          expect(res.status, `${op.method} ${op.path} as ${role} of no program`).toBe(403);
        }
        continue;
      }
      for (const role of op.roles) {
        const res = await send(await token(role, `sub_${role}`, OTHER_PROGRAM));
        expect([403, 404], `${op.method} ${op.path} as ${role} of another program`).toContain(res.status);
      }
    }
  });
});
