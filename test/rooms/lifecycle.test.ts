import { env } from "cloudflare:workers";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { TokenVerifier } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import { groupSession, PERSONAL } from "./fixtures.ts";

describe("join windows and room lifecycle under a moved clock", () => {
  it("refuses too early with opensAt, waits before opening, admits after, refuses late, 410 after grace", async () => {
    const s = await groupSession({ clients: 3 });
    const client = s.clients[0] as string;
    s.clock.set(s.at(-20));
    const early = await s.join(client);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ type: "/problems/outside-window", opensAt: s.at(-15) });
    s.clock.set(s.at(-10));
    const waiting = await s.join(client);
    expect(waiting.status).toBe(202);
    expect(waiting.body).toEqual({ status: "waiting" });
    expect((await s.open()).status).toBe(200);
    const admitted = await s.join(client);
    expect(admitted.status).toBe(200);
    expect(admitted.body).toMatchObject({
      status: "admitted",
      provider: "native",
      room: expect.stringMatching(/^r_[0-9a-z]+$/),
    });
    s.clock.set(s.at(46));
    const late = await s.join(s.clients[1] as string);
    expect(late.status).toBe(409);
    expect(late.body.reason).toBe("late");
    s.clock.set(s.at(190));
    expect((await s.join(client)).status).toBe(410);
  });

  it("waits under manual admission until the facilitator admits", async () => {
    const s = await groupSession({ clients: 2, settings: { admissionPolicy: "manual" } });
    await s.open();
    const client = s.clients[0] as string;
    expect((await s.join(client)).status).toBe(202);
    const admit = await s.call("POST", `/v1/sessions/${s.sessionId}/participants/${client}/admit`, {
      token: s.facilitator,
    });
    expect(admit.status).toBe(200);
    expect((await s.join(client)).status).toBe(200);
    const stranger = await s.token("facilitator", "fac_other", s.programId);
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/open`, { token: stranger })).status).toBe(403);
  });

  it("refuses people who do not belong, and clients discharged a moment ago", async () => {
    const s = await groupSession({ clients: 1 });
    await s.open();
    const outsider = await s.token("client", "clt_outsider", s.programId);
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: outsider })).status).toBe(403);
    const enrollment = await s.call(
      "GET",
      `/v1/programs/${s.programId}/sessions?from=${s.at(-60)}&to=${s.at(24 * 60)}`,
      {
        token: await s.clientToken(s.clients[0] as string),
      },
    );
    expect(enrollment.body.sessions.length).toBeGreaterThan(0);
    // Joined once before the discharge, so whatever the directory remembers of the client is warm.
    expect((await s.join(s.clients[0] as string)).status).toBe(200);
    const dir = env.PROGRAMS.getByName(s.programId);
    const { runInDurableObject } = await import("cloudflare:test");
    const id = await runInDurableObject(
      dir,
      (_i: unknown, state) =>
        state.storage.sql.exec<{ id: string }>("SELECT id FROM enrollments WHERE client_id = ?", s.clients[0]).one().id,
    );
    expect(
      (await s.call("PATCH", `/v1/enrollments/${id}`, { token: s.admin, body: { status: "discharged" } })).status,
    ).toBe(200);
    expect((await s.join(s.clients[0] as string)).status).toBe(403);
  });
});

describe("removal, cancel, move and introspection", () => {
  const introspect = (s: Awaited<ReturnType<typeof groupSession>>, token: string) =>
    s.call("POST", "/v1/tokens/introspect", { token: s.admin, body: { token } });

  it("a removed client's token turns inactive and they cannot join again", async () => {
    const s = await groupSession({ clients: 2 });
    await s.open();
    const client = s.clients[0] as string;
    const { body } = await s.join(client);
    expect((await introspect(s, body.token)).body).toMatchObject({
      active: true,
      sub: client,
      sid: s.sessionId,
      role: "client",
    });
    const removed = await s.call("DELETE", `/v1/sessions/${s.sessionId}/participants/${client}`, {
      token: s.facilitator,
    });
    expect(removed.status).toBe(200);
    expect((await introspect(s, body.token)).body).toEqual({ active: false });
    const again = await s.join(client);
    expect(again.status).toBe(403);
    expect(again.body.type).toBe("/problems/removed");
    // Someone who never belonged gets the plain refusal, not this one.
    const outsider = await s.call("POST", `/v1/sessions/${s.sessionId}/join`, {
      token: await s.token("client", "clt_outsider", s.programId),
    });
    expect(outsider.status).toBe(403);
    expect(outsider.body.type).toBe("/problems/forbidden");
  });

  it("cancelling turns tokens inactive and joins into 410", async () => {
    const s = await groupSession({ clients: 2 });
    await s.open();
    const { body } = await s.join(s.clients[0] as string);
    const cancel = await s.call("POST", `/v1/sessions/${s.sessionId}/cancel`, { token: s.facilitator });
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe("cancelled");
    expect((await introspect(s, body.token)).body).toEqual({ active: false });
    expect((await s.join(s.clients[1] as string)).status).toBe(410);
  });

  it("moving revokes outstanding tokens; the client can join at the new time", async () => {
    const s = await groupSession({ clients: 2 });
    await s.open();
    const client = s.clients[0] as string;
    const { body } = await s.join(client);
    const move = await s.call("PATCH", `/v1/sessions/${s.sessionId}`, {
      token: s.admin,
      body: { startsAt: s.at(24 * 60), endsAt: s.at(27 * 60) },
    });
    expect(move.status).toBe(200);
    expect(move.body.version).toBe(2);
    expect((await introspect(s, body.token)).body).toEqual({ active: false });
    expect((await s.join(client)).status).toBe(409);
    s.clock.set(s.at(24 * 60 - 5));
    expect((await s.join(client)).status).toBe(200);
  });

  it("introspection says inactive for junk, expired and forged tokens, never 500", async () => {
    const s = await groupSession({ clients: 1 });
    await s.open();
    const { body } = await s.join(s.clients[0] as string);
    for (const t of ["junk", `${body.token}x`, body.token.replace(/\.[^.]+$/, ".AAAA")]) {
      expect((await introspect(s, t)).body).toEqual({ active: false });
    }
    s.clock.set(s.at(60));
    expect((await introspect(s, body.token)).body).toEqual({ active: false });
    const clientToken = await s.clientToken(s.clients[0] as string);
    expect(
      (await s.call("POST", "/v1/tokens/introspect", { token: clientToken, body: { token: body.token } })).status,
    ).toBe(403);
  });
});

describe("tokens handed out at join", () => {
  it("the native token verifies against the served JWKS and carries nothing personal", async () => {
    const s = await groupSession({ clients: 1 });
    await s.open();
    const { body } = await s.join(s.clients[0] as string);
    const jwks = (await s.call("GET", "/.well-known/jwks.json")).body;
    const { payload, protectedHeader } = await jwtVerify(body.token, createLocalJWKSet(jwks), {
      issuer: env.TOKEN_ISSUER,
      audience: env.JOIN_AUDIENCE,
      typ: "iop-join+jwt",
      currentDate: new Date(s.clock.now()),
    });
    expect(protectedHeader).toMatchObject({ alg: "EdDSA", kid: jwks.keys[0].kid });
    expect(payload).toMatchObject({ sub: s.clients[0], sid: s.sessionId, role: "client", room: body.room });
    expect(payload.exp).toBeLessThanOrEqual(Math.floor(s.clock.now() / 1000) + 600);
    expect(payload.nbf).toBeGreaterThanOrEqual(Date.parse(s.at(-15)) / 1000);
    for (const word of PERSONAL) expect(JSON.stringify({ payload, room: body.room })).not.toContain(word);
  });

  it("the LiveKit token passes livekit-server-sdk's TokenVerifier with the role's grants", async () => {
    const s = await groupSession({ clients: 1, settings: { videoProvider: "livekit" } });
    await s.open();
    const client = await s.join(s.clients[0] as string);
    expect(client.body.provider).toBe("livekit");
    // The SDK's verifier judges time by the real clock (its second argument is a tolerance in
    // seconds); the session lies weeks ahead, so the tolerance covers exactly that gap. The token's
    // own window is checked against the injected clock with jose.
    const skew = Math.ceil((s.clock.now() - Date.now()) / 1000) + 60;
    const secret = new TextEncoder().encode(env.LIVEKIT_API_SECRET);
    const at = (ms: number) => ({ algorithms: ["HS256"], issuer: env.LIVEKIT_API_KEY, currentDate: new Date(ms) });
    await expect(jwtVerify(client.body.token, secret, at(s.clock.now()))).resolves.toBeTruthy();
    await expect(jwtVerify(client.body.token, secret, at(s.clock.now() + 11 * 60_000))).rejects.toMatchObject({
      code: "ERR_JWT_EXPIRED",
    });
    const verifier = new TokenVerifier(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET);
    const grants = await verifier.verify(client.body.token, skew);
    expect(grants.video).toMatchObject({
      room: client.body.room,
      roomJoin: true,
      canPublish: true,
      canSubscribe: true,
    });
    expect(grants.video?.roomAdmin).toBeFalsy();
    const fac = await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: s.facilitator });
    expect((await verifier.verify(fac.body.token, skew)).video?.roomAdmin).toBe(true);
    const observer = await s.call("POST", `/v1/sessions/${s.sessionId}/join`, {
      token: await s.token("admin", "adm_obs", s.programId),
    });
    const obs = await verifier.verify(observer.body.token, skew);
    expect(obs.video).toMatchObject({ hidden: true, canPublish: false });
    // No name in the call unless the program shows names (test/http/display-names.test.ts): an alias.
    expect(decodeJwt(client.body.token).name).toMatch(/^Participant \d{4}$/);
  });
});
