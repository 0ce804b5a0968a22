import { describe, expect, it } from "vitest";
import type { Role } from "../../schemas/common.ts";
import { createProgram, harness } from "../helpers.ts";

type Operation = { "x-roles"?: Role[]; security?: unknown[] };
type Doc = { paths: Record<string, Record<string, Operation>> };

const ROLES: Role[] = ["admin", "facilitator", "client"];
const OTHER_PROGRAM = "prg_00000000000000000000";

/** Every protected operation of the OpenAPI document, with its path parameters filled in. */
async function protectedOperations() {
  const { call, token } = harness();
  const admin = await token("admin", "adm_matrix");
  const programId = await createProgram(call, admin);
  const doc = (await call("GET", "/openapi.json")).body as Doc;
  const ops: { method: string; path: string; url: string; roles: Role[] }[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!op["x-roles"]) continue;
      const url = path.replace("{programId}", programId).replace(/\{[^}]+\}/g, "xyz_0000000000000000");
      ops.push({ method: method.toUpperCase(), path, url, roles: op["x-roles"] });
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
      ]),
    );
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
      for (const role of op.roles) {
        const res = await send(await token(role, `sub_${role}`, OTHER_PROGRAM));
        expect([403, 404], `${op.method} ${op.path} as ${role} of another program`).toContain(res.status);
      }
    }
  });
});
