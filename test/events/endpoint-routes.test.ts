import { describe, expect, it } from "vitest";
import { createProgram, harness } from "../helpers.ts";

describe("event-endpoint routes against every role and bad input", () => {
  it("401/403 problem+json for everyone but the program's admin, on every route", async () => {
    const h = harness(Date.now());
    const admin = await h.token("admin", "adm_1");
    const programId = await createProgram(h.call, admin);
    const other = await createProgram(h.call, admin);
    const made = await h.call("POST", `/v1/programs/${programId}/event-endpoints`, {
      token: admin,
      body: { url: "https://ehr.example.org/hook", events: ["session.scheduled"] },
    });
    expect(made.status).toBe(201);
    const id = made.body.id as string;
    const base = `/v1/programs/${programId}/event-endpoints`;
    const routes: [string, string, unknown?][] = [
      ["POST", base, { url: "https://ehr.example.org/hook2", events: ["session.scheduled"] }],
      ["GET", base],
      ["GET", `${base}/${id}`],
      ["PATCH", `${base}/${id}`, { description: "x" }],
      ["POST", `${base}/${id}/secret`, {}],
      ["POST", `${base}/${id}/retry`],
      ["GET", `${base}/${id}/deliveries`],
      ["DELETE", `${base}/${id}`],
    ];
    const who: [string, string | undefined, number][] = [
      ["nobody", undefined, 401],
      ["garbage", "not.a.jwt", 401],
      ["facilitator", await h.token("facilitator", "fac_1", programId), 403],
      ["client", await h.token("client", "clt_1", programId), 403],
      ["gateway", await h.token("gateway", "gw_1", programId), 403],
      ["admin of another program", await h.token("admin", "adm_2", other), 403],
    ];
    const seen: string[] = [];
    for (const [name, token, want] of who) {
      for (const [method, path, body] of routes) {
        const res = await h.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
        const ct = res.headers.get("content-type") ?? "";
        if (res.status !== want || !ct.includes("application/problem+json"))
          seen.push(`${name} ${method} ${path.replace(programId, "P")}: ${res.status} ${ct}`);
      }
    }
    expect(seen).toEqual([]);
    // The scoped admin of the program itself may.
    const scoped = await h.token("admin", "adm_3", programId);
    expect((await h.call("GET", base, { token: scoped })).status).toBe(200);
  });

  it("malformed, oversized, wrong media type, bad URLs: 4xx problem+json", async () => {
    const h = harness(Date.now());
    const admin = await h.token("admin", "adm_1");
    const programId = await createProgram(h.call, admin);
    const base = `/v1/programs/${programId}/event-endpoints`;
    const made = await h.call("POST", base, {
      token: admin,
      body: { url: "https://ehr.example.org/hook", events: ["session.scheduled"] },
    });
    const id = made.body.id as string;
    const out: string[] = [];
    const check = async (label: string, res: { status: number; headers: Headers }, want: number[]) => {
      const ct = res.headers.get("content-type") ?? "";
      if (!want.includes(res.status) || !ct.includes("application/problem+json"))
        out.push(`${label}: ${res.status} ${ct}`);
    };
    for (const [m, p] of [
      ["POST", base],
      ["PATCH", `${base}/${id}`],
      ["POST", `${base}/${id}/secret`],
    ] as const) {
      await check(
        `${m} ${p} bad json`,
        await h.call(m, p, { token: admin, raw: "{nope", headers: { "content-type": "application/json" } }),
        [400],
      );
      await check(
        `${m} ${p} array`,
        await h.call(m, p, { token: admin, raw: "[]", headers: { "content-type": "application/json" } }),
        [400],
      );
      await check(
        `${m} ${p} huge`,
        await h.call(m, p, {
          token: admin,
          raw: JSON.stringify({
            url: "https://ehr.example.org/h",
            events: ["session.scheduled"],
            description: "x".repeat(2_000_000),
          }),
          headers: { "content-type": "application/json" },
        }),
        [413],
      );
      await check(
        `${m} ${p} text/plain`,
        await h.call(m, p, { token: admin, raw: "{}", headers: { "content-type": "text/plain" } }),
        [400, 415],
      );
    }
    const urls = [
      "http://localhost.evil.example/h",
      "http://127.0.0.2/h",
      "http://ehr.example.org/h",
      "https://ehr.example.org/h#frag",
      "https://u:p@ehr.example.org/h",
      "javascript:alert(1)",
    ];
    for (const url of urls) {
      await check(
        `POST ${url}`,
        await h.call("POST", base, { token: admin, body: { url, events: ["session.scheduled"] } }),
        [400],
      );
      await check(`PATCH ${url}`, await h.call("PATCH", `${base}/${id}`, { token: admin, body: { url } }), [400]);
    }
    for (const url of [
      "http://localhost:8799/h",
      "http://127.0.0.1:8799/h",
      "http://[::1]:8799/h",
      "HTTPS://EHR.EXAMPLE.ORG/h",
    ]) {
      const res = await h.call("POST", base, { token: admin, body: { url, events: ["session.scheduled"] } });
      if (res.status !== 201) out.push(`POST ${url} refused: ${res.status} ${res.text}`);
    }
    await check("PATCH {}", await h.call("PATCH", `${base}/${id}`, { token: admin, body: {} }), [400]);
    await check(
      "rotate missing",
      await h.call("POST", `${base}/evp_${"0".repeat(40)}/secret`, { token: admin, body: {} }),
      [404],
    );
    await check(
      "rotate past",
      await h.call("POST", `${base}/${id}/secret`, {
        token: admin,
        body: { overlapUntil: new Date(Date.now() - 1000).toISOString() },
      }),
      [400],
    );
    await check(
      "deliveries bad status",
      await h.call("GET", `${base}/${id}/deliveries?status=nope`, { token: admin }),
      [400],
    );
    await check("deliveries limit 0", await h.call("GET", `${base}/${id}/deliveries?limit=0`, { token: admin }), [400]);
    await check(
      "description with e-mail",
      await h.call("PATCH", `${base}/${id}`, { token: admin, body: { description: "jane.doe@example.com" } }),
      [400],
    );
    expect(out).toEqual([]);
  });

  it("the secret is shown once: never again in any read, after a rotation either", async () => {
    const h = harness(Date.now());
    const admin = await h.token("admin", "adm_1");
    const programId = await createProgram(h.call, admin);
    const base = `/v1/programs/${programId}/event-endpoints`;
    const made = await h.call("POST", base, {
      token: admin,
      body: { url: "https://ehr.example.org/hook", events: ["session.scheduled"] },
    });
    const rotated = await h.call("POST", `${base}/${made.body.id}/secret`, {
      token: admin,
      body: { overlapUntil: new Date(Date.now() + 3600_000).toISOString() },
    });
    expect(rotated.status).toBe(201);
    const raw = [made.body.secret, rotated.body.secret].map((s: string) => s.slice(6));
    for (const path of [
      base,
      `${base}/${made.body.id}`,
      `${base}/${made.body.id}/deliveries`,
      `/v1/programs/${programId}/audit?limit=500`,
    ]) {
      const res = await h.call("GET", path, { token: admin });
      expect(res.status, path).toBe(200);
      for (const r of raw) expect(res.text, path).not.toContain(r);
      expect(res.text, path).not.toContain("whsec_");
    }
    const patched = await h.call("PATCH", `${base}/${made.body.id}`, { token: admin, body: { description: "EHR" } });
    expect(patched.text).not.toContain("whsec_");
  });
});
