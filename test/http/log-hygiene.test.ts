import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { groupSession, PERSONAL } from "../rooms/fixtures.ts";

afterEach(() => vi.restoreAllMocks());

describe("log hygiene", () => {
  it("a full scenario logs structured JSON with no tokens, secrets, Authorization values or personal data", async () => {
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
    const s = await groupSession({ clients: 3, settings: { admissionPolicy: "manual" } });
    await s.call("PATCH", `/v1/programs/${s.programId}`, {
      token: s.admin,
      body: { name: `${PERSONAL[3]} for ${PERSONAL[0]}` },
    });
    await s.open();
    const [a, b, c] = s.clients as [string, string, string];
    await s.join(a);
    await s.call("POST", `/v1/sessions/${s.sessionId}/participants/${a}/admit`, { token: s.facilitator });
    const admitted = await s.join(a);
    await s.call("POST", "/v1/tokens/introspect", { token: s.admin, body: { token: admitted.body.token } });
    await s.call("POST", "/v1/tokens/introspect", { token: s.admin, body: { token: `${admitted.body.token}x` } });
    await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: `${await s.clientToken(b)}tampered` });
    await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { headers: { authorization: "Basic amFuZTpzZWNyZXQ=" } });
    await s.call("POST", "/v1/invites/exchange", { body: { code: "enr_x.guess" } });
    await s.call("DELETE", `/v1/sessions/${s.sessionId}/participants/${c}`, { token: s.facilitator });
    await s.call("POST", `/v1/programs/${s.programId}/sessions`, {
      token: s.admin,
      body: { kind: "group", notes: PERSONAL[1] },
    });
    s.clock.set(s.at(180));
    await s.call("POST", `/v1/sessions/${s.sessionId}/close`, {
      token: await s.token("facilitator", "fac_1", s.programId),
    });
    await s.call("GET", `/v1/programs/${s.programId}/attendance?from=${s.day}&to=${s.day}`, {
      token: await s.token("admin", "adm_1"),
    });

    expect(lines.length, lines.join("\n")).toBeGreaterThan(5);
    const secrets = [
      env.ROOM_SECRET,
      env.LIVEKIT_API_SECRET,
      ...JSON.parse(env.SIGNING_KEYS).keys.map((k: { d: string }) => k.d),
    ];
    for (const line of lines) {
      expect(line).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/);
      expect(line.toLowerCase()).not.toContain("bearer");
      expect(line.toLowerCase()).not.toContain("basic ");
      for (const secret of secrets) expect(line).not.toContain(secret);
      for (const word of PERSONAL) expect(line).not.toContain(word);
      const parsed = JSON.parse(line);
      expect(parsed).toMatchObject({ level: expect.any(String), event: expect.any(String) });
    }
    expect(lines.some((l) => JSON.parse(l).requestId)).toBe(true);
  });
});
