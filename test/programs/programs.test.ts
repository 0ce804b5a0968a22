import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { futureMonday, plusDays, zoned } from "../dates.ts";
import { createProgram, harness } from "../helpers.ts";

/** The injected clock of the create test: a Sunday morning ahead of the real now. */
const CREATED_AT = zoned(plusDays(futureMonday(), -1), "02:00");

describe("programs", () => {
  it("creates a program with clinical defaults and reads it back", async () => {
    const { call, token } = harness(CREATED_AT);
    const admin = await token("admin", "adm_1");
    const res = await call("POST", "/v1/programs", {
      token: admin,
      body: { name: "Downtown IOP", timezone: "America/Los_Angeles", settings: { groupCapDefault: 10 } },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/v1/programs/${res.body.id}`);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^prg_[0-9a-z]{20}$/),
      timezone: "America/Los_Angeles",
      createdAt: CREATED_AT,
      settings: {
        groupCapDefault: 10,
        groupCapMax: 15,
        joinWindowMinutes: 15,
        minimumWeeklyHours: 9,
        admissionPolicy: "auto",
        videoProvider: "native",
        allowMakeUp: false,
      },
    });
    const read = await call("GET", `/v1/programs/${res.body.id}`, { token: admin });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it.each([
    ["an unknown time zone", { timezone: "Mars/Olympus" }, "timezone"],
    ["a cap of 0", { settings: { groupCapDefault: 0 } }, "settings.groupCapDefault"],
    ["a negative cap", { settings: { groupCapMax: -3 } }, "settings.groupCapMax"],
    ["a fractional cap", { settings: { groupCapDefault: 7.5 } }, "settings.groupCapDefault"],
    ["a string cap", { settings: { groupCapDefault: "12" } }, "settings.groupCapDefault"],
    ["a cap above 15", { settings: { groupCapMax: 16 } }, "settings.groupCapMax"],
    ["a default above the maximum", { settings: { groupCapDefault: 12, groupCapMax: 8 } }, "settings.groupCapDefault"],
    ["an unknown field", { colour: "blue" }, ""],
    ["an empty name", { name: "  " }, "name"],
  ])("refuses %s with 400 naming the field", async (_label, patch, field) => {
    const { call, token } = harness();
    const res = await call("POST", "/v1/programs", {
      token: await token("admin", "adm_1"),
      body: { name: "P", timezone: "America/Los_Angeles", ...patch },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body.type).toBe("/problems/invalid-request");
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it("lets an admin change settings, re-checking them as a whole", async () => {
    const { call, token } = harness();
    const admin = await token("admin", "adm_1");
    const id = await createProgram(call, admin);
    const ok = await call("PATCH", `/v1/programs/${id}`, {
      token: admin,
      body: { settings: { admissionPolicy: "manual", lateJoinMinutes: null, videoProvider: "livekit" } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.settings).toMatchObject({
      admissionPolicy: "manual",
      lateJoinMinutes: null,
      videoProvider: "livekit",
    });
    const bad = await call("PATCH", `/v1/programs/${id}`, { token: admin, body: { settings: { groupCapMax: 5 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe("settings.groupCapDefault");
    const unchanged = await call("GET", `/v1/programs/${id}`, { token: admin });
    expect(unchanged.body.settings.groupCapMax).toBe(15);
  });

  it("keeps the 42 CFR Part 2 setting: on by default, through create and patch, and on for programs stored before it", async () => {
    const { call, token } = harness();
    const admin = await token("admin", "adm_1");
    const read = async (id: string) => (await call("GET", `/v1/programs/${id}`, { token: admin })).body.settings.part2;
    expect(await read(await createProgram(call, admin))).toBe(true);
    const id = await createProgram(call, admin, { settings: { part2: false } });
    expect(await read(id)).toBe(false);
    await call("PATCH", `/v1/programs/${id}`, { token: admin, body: { settings: { graceMinutes: 5 } } });
    expect(await read(id)).toBe(false);
    const on = await call("PATCH", `/v1/programs/${id}`, { token: admin, body: { settings: { part2: true } } });
    expect(on.body.settings).toMatchObject({ part2: true, graceMinutes: 5 });
    expect(await read(id)).toBe(true);
    const bad = await call("PATCH", `/v1/programs/${id}`, { token: admin, body: { settings: { part2: "yes" } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe("settings.part2");

    // A program row written before the setting existed: its settings have no part2 at all.
    const { part2: _dropped, ...settings } = on.body.settings;
    const oldId = `prg_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
    await runInDurableObject(env.PROGRAMS.getByName(oldId), (_instance, state) => {
      const body = JSON.stringify({ ...on.body, id: oldId, settings });
      state.storage.sql.exec("INSERT INTO program (id, body) VALUES (?, ?)", oldId, body);
    });
    expect(await read(oldId)).toBe(true);
  });

  it("lets the program's facilitator read but not change it, and hides it from others", async () => {
    const { call, token } = harness();
    const id = await createProgram(call, await token("admin", "adm_1"));
    const facilitator = await token("facilitator", "fac_1", id);
    expect((await call("GET", `/v1/programs/${id}`, { token: facilitator })).status).toBe(200);
    expect((await call("PATCH", `/v1/programs/${id}`, { token: facilitator, body: { name: "x" } })).status).toBe(403);
    expect((await call("GET", `/v1/programs/${id}`, { token: await token("client", "clt_1", id) })).status).toBe(403);
    const stranger = await token("facilitator", "fac_2", "prg_00000000000000000000");
    expect((await call("GET", `/v1/programs/${id}`, { token: stranger })).status).toBe(403);
    const scopedAdmin = await token("admin", "adm_2", id);
    expect((await call("GET", `/v1/programs/${id}`, { token: scopedAdmin })).status).toBe(200);
  });

  it("answers 404 for unknown and malformed program ids", async () => {
    const { call, token } = harness();
    const admin = await token("admin", "adm_1");
    expect((await call("GET", "/v1/programs/prg_zzzzzzzzzzzzzzzzzzzz", { token: admin })).status).toBe(404);
    expect((await call("GET", "/v1/programs/..%2f..%2fetc", { token: admin })).status).toBe(404);
  });
});
