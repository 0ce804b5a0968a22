import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { createProgram, harness } from "../helpers.ts";

/** What `npm start` writes into `.dev.vars`; tests pass it per request, the default (production) is off. */
const ON = { DEV_SIGN_IN: "on" };

async function setup() {
  const h = harness();
  const admin = await h.token("admin", "adm_1");
  const programId = await createProgram(h.call, admin);
  const create = (body: unknown, token = admin, vars: Partial<Env> = ON) =>
    h.call("POST", `/v1/programs/${programId}/sign-in-codes`, { token, body, env: vars });
  const exchange = (code: string, vars: Partial<Env> = ON) =>
    h.call("POST", "/v1/sign-in-codes/exchange", { body: { code }, env: vars });
  return { ...h, admin, programId, create, exchange };
}

describe("one-time console sign-in (local development)", () => {
  it("trades a code once for a short-lived staff token scoped to the program; only its hash is stored", async () => {
    const s = await setup();
    const made = await s.create({ staffId: "fac_1" });
    expect(made.status).toBe(201);
    expect(made.body.signInUrl).toMatch(/\/console#signin=sgn_[0-9a-z]{40}\.[A-Za-z0-9_-]{43}$/);
    expect(made.body.signInUrl.endsWith(made.body.code)).toBe(true);
    // Second precision on the wire: within a second of 15 minutes from now.
    expect(Math.abs(Date.parse(made.body.expiresAt) - s.clock.now() - 15 * 60_000)).toBeLessThan(1000);
    const secret = made.body.code.split(".")[1];
    const stored = await runInDurableObject(env.PROGRAMS.getByName(s.programId), (_i: unknown, state) =>
      state.storage.sql.exec("SELECT * FROM sign_ins").toArray(),
    );
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(secret);

    const traded = await s.exchange(made.body.code);
    expect(traded.status).toBe(200);
    expect(traded.body).toMatchObject({ staffId: "fac_1", role: "facilitator", programId: s.programId });
    const claims = decodeJwt(traded.body.token);
    expect(claims).toMatchObject({ sub: "fac_1", roles: ["facilitator"], program: s.programId });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(4 * 3600);
    const from = new Date(s.clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
    const to = new Date(s.clock.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const sessions = await s.call("GET", `/v1/programs/${s.programId}/sessions?from=${from}&to=${to}`, {
      token: traded.body.token,
    });
    expect(sessions.status).toBe(200);
    // Staff of this program only: the token is no admin and reaches no other program.
    expect((await s.call("GET", "/v1/programs/prg_00000000000000000000", { token: traded.body.token })).status).toBe(
      403,
    );
  });

  it("refuses a used code, an expired code and a forged one with the same 401", async () => {
    const s = await setup();
    const once = (await s.create({ staffId: "fac_1" })).body.code;
    expect((await s.exchange(once)).status).toBe(200);
    const again = await s.exchange(once);
    expect(again.status).toBe(401);
    expect(again.body.detail).toBe("This sign-in link is not valid.");

    const late = (await s.create({ staffId: "fac_1" })).body.code;
    s.clock.advance(15 * 60_000);
    expect((await s.exchange(late)).body.detail).toBe("This sign-in link is not valid.");

    const fresh = (await s.create({ staffId: "fac_1" })).body.code as string;
    const forged = `${fresh.split(".")[0]}.${"A".repeat(43)}`;
    for (const code of [forged, "nonsense", `${fresh}x`, fresh.replace("sgn_", "enr_")]) {
      const res = await s.exchange(code);
      expect(res.status, code).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    // None of those spent it.
    expect((await s.exchange(fresh)).status).toBe(200);
  });

  it("is made by the program's admins only, for staff roles only", async () => {
    const s = await setup();
    for (const role of ["facilitator", "client"] as const) {
      const res = await s.create({ staffId: "fac_1" }, await s.token(role, "fac_1", s.programId));
      expect(res.status, role).toBe(403);
    }
    const otherAdmin = await s.token("admin", "adm_2", "prg_00000000000000000000");
    expect((await s.create({ staffId: "fac_1" }, otherAdmin)).status).toBe(403);
    expect((await s.create({ staffId: "fac_1", role: "client" })).status).toBe(400);
    expect((await s.create({ staffId: "jane.doe@example.com" })).status).toBe(400);
    const admin = await s.create({ staffId: "adm_3", role: "admin" });
    const traded = await s.exchange(admin.body.code);
    expect(decodeJwt(traded.body.token)).toMatchObject({ sub: "adm_3", roles: ["admin"], program: s.programId });
  });

  it("answers 404 wherever DEV_SIGN_IN is not on, for making and for trading codes", async () => {
    const s = await setup();
    const code = (await s.create({ staffId: "fac_1" })).body.code;
    for (const vars of [{}, { DEV_SIGN_IN: "" }, { DEV_SIGN_IN: "true" }]) {
      const made = await s.create({ staffId: "fac_1" }, s.admin, vars);
      expect(made.status, JSON.stringify(vars)).toBe(404);
      expect(made.body.type).toBe("/problems/not-found");
      expect((await s.exchange(code, vars)).status).toBe(404);
    }
    // Off means off: the code made while it was on was not spent by those attempts.
    expect((await s.exchange(code)).status).toBe(200);
  });

  it("audits every code made, traded and refused", async () => {
    const s = await setup();
    const code = (await s.create({ staffId: "fac_1" })).body.code;
    await s.exchange(code);
    await s.exchange(code);
    const page = await s.call("GET", `/v1/programs/${s.programId}/audit`, { token: s.admin });
    const trail = page.body.entries.map((e: { actor: string; action: string; outcome: string }) =>
      [e.actor, e.action, e.outcome].join(" "),
    );
    expect(trail).toEqual(
      expect.arrayContaining([
        "adm_1 signin.create facilitator",
        "fac_1 signin.exchange redeemed",
        "anonymous signin.exchange refused:not-found",
      ]),
    );
    expect(JSON.stringify(page.body)).not.toContain(code.split(".")[1]);
  });
});
