import { env } from "cloudflare:workers";
import { TokenVerifier } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import { roomName } from "../../src/tokens/window.ts";
import { groupSession } from "../rooms/fixtures.ts";

// LiveKit's standardised token endpoint (issue 18): any LiveKit client app's endpoint TokenSource
// gets `201 { server_url, participant_token }` for the same join as POST …/join.
const LIVEKIT = { LIVEKIT_URL: "https://clinic.livekit.example" } as Partial<Env>;

async function livekitGroup(settings: Record<string, unknown> = {}) {
  const s = await groupSession({ clients: 2, cap: 1, settings: { videoProvider: "livekit", ...settings } });
  await s.open();
  const fetchToken = async (id: string, body?: unknown, o: { env?: Partial<Env> } = { env: LIVEKIT }) =>
    s.call("POST", `/v1/sessions/${s.sessionId}/livekit-token`, {
      token: id.startsWith("fac_") ? s.facilitator : await s.clientToken(id),
      ...(body === undefined ? {} : { body }),
      ...(o.env ? { env: o.env } : {}),
    });
  return { s, fetchToken, room: await roomName(s.sessionId, env.ROOM_SECRET) };
}

describe("LiveKit's standard token endpoint", () => {
  it("answers 201 { server_url, participant_token } that LiveKit's own verifier accepts, bound to the session", async () => {
    const { s, fetchToken, room } = await livekitGroup();
    s.clock.set(s.at(-5));
    const client = s.clients[0] as string;
    const res = await fetchToken(client, { room_name: room, participant_identity: client });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(["participant_token", "server_url"]);
    expect(res.body.server_url).toBe("wss://clinic.livekit.example");
    // Verified by livekit-server-sdk's own TokenVerifier; then the claims LiveKit's server reads.
    const verifier = new TokenVerifier(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET);
    const claims = await verifier.verify(res.body.participant_token, Math.floor(s.clock.now() / 1000) - 10);
    expect(claims.sub).toBe(client);
    expect(claims.video).toEqual({ room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true });
    expect(claims.name).toMatch(/^Participant \d{4}$/);
    expect(claims.metadata ?? "").toBe("");

    // The facilitator moderates; an empty body is fine.
    const fac = await fetchToken("fac_1");
    expect(fac.status).toBe(201);
    const facClaims = await verifier.verify(fac.body.participant_token, Math.floor(s.clock.now() / 1000) - 10);
    expect(facClaims.video?.roomAdmin).toBe(true);
  });

  it("is the same join: the cap holds, the seat is taken once, a repeat reuses it", async () => {
    const { s, fetchToken } = await livekitGroup();
    s.clock.set(s.at(-5));
    const [first, second] = s.clients as [string, string];
    expect((await fetchToken(first)).status).toBe(201);
    expect((await fetchToken(first)).status).toBe(201);
    // Cap 1: the second client is refused exactly as on POST …/join.
    const full = await fetchToken(second);
    const direct = await s.join(second);
    expect(full.status).toBe(direct.status);
    expect(full.status).toBe(409);
  });

  it("refuses what a client may not choose: another room or identity, a name, metadata, attributes, room config", async () => {
    const { s, fetchToken } = await livekitGroup();
    s.clock.set(s.at(-5));
    const client = s.clients[0] as string;
    const refused = [
      { room_name: "r_someotherroom0000000000" },
      { participant_identity: "clt_someone_else" },
      { participant_name: "Jane Doe" },
      { participant_metadata: '{"diagnosis":"x"}' },
      { participant_attributes: { role: "admin" } },
      { room_config: { agents: [{ agent_name: "x" }] } },
    ];
    for (const body of refused) {
      const res = await fetchToken(client, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.errors[0].path).toBe(Object.keys(body)[0]);
    }
    // Nothing was taken: the client's first real join still finds its seat free.
    expect((await fetchToken(client)).status).toBe(201);
    // Empty optional fields are what LiveKit's SDKs send by default: accepted.
    expect(
      (await fetchToken(client, { participant_metadata: "", participant_attributes: {}, room_config: {} })).status,
    ).toBe(201);
  });

  it("answers 202 while waiting, 409 for a program that does not use LiveKit, 503 without LIVEKIT_URL, 401 without a token", async () => {
    const manual = await livekitGroup({ admissionPolicy: "manual" });
    manual.s.clock.set(manual.s.at(-5));
    const waiting = await manual.fetchToken(manual.s.clients[0] as string);
    expect(waiting.status).toBe(202);
    expect(waiting.body).toEqual({ status: "waiting" });

    const native = await groupSession({ clients: 1 });
    await native.open();
    native.clock.set(native.at(-5));
    const notLivekit = await native.call("POST", `/v1/sessions/${native.sessionId}/livekit-token`, {
      token: await native.clientToken(native.clients[0] as string),
      env: LIVEKIT,
    });
    expect(notLivekit.status).toBe(409);
    // Refused before the room was asked: the native join still seats the client afterwards.
    expect((await native.join(native.clients[0] as string)).status).toBe(200);

    const { s, fetchToken } = await livekitGroup();
    s.clock.set(s.at(-5));
    const unconfigured = await fetchToken(s.clients[0] as string, undefined, { env: {} });
    expect(unconfigured.status).toBe(503);
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/livekit-token`)).status).toBe(401);
  });
});
