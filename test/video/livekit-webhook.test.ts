import { WebhookEvent, WebhookReceiver } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import { normalizeLivekit } from "../../src/video/livekit/webhook-normalize.ts";
import { verifyLivekit } from "../../src/video/livekit/webhook-verify.ts";
import { livekitAuthorization } from "../calendar/providers/senders.ts";

const KEY = { apiKey: "APIkey123", apiSecret: "a-livekit-api-secret-of-some-length" };

/** A participant event encoded as LiveKit's server encodes it (protojson: int64 as a string). */
function eventBody(event: string, id = "EV_abc123", createdAt = 1_795_000_000) {
  const e = new WebhookEvent({
    id,
    createdAt: BigInt(createdAt),
    room: { sid: "RM_1", name: "rm_4k9d2m7q1x" },
    participant: { sid: "PA_1", identity: "clt_4k9d2m7q1x", name: "Jane Doe" },
  });
  // The SDK's subclass declares `event` as a class field, which resets what the constructor set.
  e.event = event as WebhookEvent["event"];
  return e.toJsonString();
}

async function signed(event = "participant_joined", over: { key?: typeof KEY; body?: string } = {}) {
  const body = eventBody(event);
  const k = over.key ?? KEY;
  const authorization = await livekitAuthorization(k.apiKey, k.apiSecret, body);
  return {
    body: over.body ?? body,
    headers: new Headers({ authorization, "content-type": "application/webhook+json" }),
  };
}

const verify = (body: string, headers: Headers, now = Date.now(), keys = [KEY]) =>
  verifyLivekit({ rawBody: body, headers, keys, now });

describe("LiveKit webhook verification", () => {
  it("accepts an event signed the way LiveKit's server signs it (and LiveKit's own receiver agrees)", async () => {
    const { body, headers } = await signed();
    expect(await verify(body, headers)).toMatchObject({
      ok: true,
      deliveryId: "EV_abc123",
      timestamp: 1_795_000_000_000,
    });
    const theirs = await new WebhookReceiver(KEY.apiKey, KEY.apiSecret).receive(
      body,
      headers.get("authorization") ?? "",
    );
    expect(theirs.id).toBe("EV_abc123");
  });

  it("refuses a body altered after signing", async () => {
    const { body, headers } = await signed();
    const altered = body.replace("clt_4k9d2m7q1x", "clt_0000000000");
    expect(await verify(altered, headers)).toEqual({ ok: false, reason: "bad-signature", status: 401 });
  });

  it("refuses a token signed with another secret, another key, or none at all", async () => {
    const forged = await signed("participant_joined", {
      key: { apiKey: KEY.apiKey, apiSecret: "not-the-secret-at-all-0123456789" },
    });
    expect(await verify(forged.body, forged.headers)).toEqual({ ok: false, reason: "bad-signature", status: 401 });
    const stranger = await signed("participant_joined", { key: { apiKey: "OtherKey", apiSecret: KEY.apiSecret } });
    expect(await verify(stranger.body, stranger.headers)).toMatchObject({ ok: false, status: 401 });
    expect(await verify(forged.body, new Headers())).toMatchObject({
      ok: false,
      reason: "missing-header",
      status: 401,
    });
    expect(await verify(forged.body, new Headers({ authorization: "not.a.jwt" }))).toMatchObject({
      ok: false,
      status: 401,
    });
  });

  it("refuses alg none and a token without the body hash", async () => {
    const { body } = await signed();
    const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const now = Math.floor(Date.now() / 1000);
    const none = `${b64({ alg: "none" })}.${b64({ iss: KEY.apiKey, nbf: now, exp: now + 300 })}.`;
    expect(await verify(body, new Headers({ authorization: none }))).toMatchObject({ ok: false, status: 401 });
  });

  it("refuses an expired token as stale (a replay after LiveKit's five minutes)", async () => {
    const { body, headers } = await signed();
    expect(await verify(body, headers, Date.now() + 6 * 60_000)).toEqual({ ok: false, reason: "stale", status: 401 });
  });

  it("accepts the old or new secret of one key during rotation", async () => {
    const { body, headers } = await signed();
    const rotated = [{ apiKey: KEY.apiKey, apiSecret: "the-new-secret-being-rolled-in-now" }, KEY];
    expect(await verify(body, headers, Date.now(), rotated)).toMatchObject({ ok: true });
  });

  it("refuses a correctly signed body that is not a LiveKit event with 400", async () => {
    const body = '{"no":"id"}';
    const headers = new Headers({ authorization: await livekitAuthorization(KEY.apiKey, KEY.apiSecret, body) });
    expect(await verify(body, headers)).toEqual({ ok: false, reason: "malformed-body", status: 400 });
  });
});

describe("LiveKit presence facts", () => {
  it("turns joins, leaves and aborted connections into facts at the provider's time", () => {
    const cases = [
      ["participant_joined", "connect"],
      ["participant_left", "disconnect"],
      ["participant_connection_aborted", "disconnect"],
    ] as const;
    for (const [event, type] of cases) {
      expect(normalizeLivekit(JSON.parse(eventBody(event)))).toEqual({
        ok: true,
        facts: [
          { eventId: "EV_abc123", room: "rm_4k9d2m7q1x", identity: "clt_4k9d2m7q1x", type, at: 1_795_000_000_000 },
        ],
      });
    }
  });

  it("ignores other events and refuses a participant event without its participant", () => {
    expect(normalizeLivekit(JSON.parse(eventBody("track_published")))).toEqual({ ok: true, facts: [] });
    expect(normalizeLivekit({ event: "participant_joined", id: "EV_1", createdAt: "1" })).toEqual({
      ok: false,
      reason: "invalid-payload",
    });
  });

  it("never carries the participant's display name", () => {
    const out = JSON.stringify(normalizeLivekit(JSON.parse(eventBody("participant_joined"))));
    expect(out).not.toContain("Jane");
  });
});
