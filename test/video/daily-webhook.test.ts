import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH } from "../../src/lib/parse-json.ts";
import { normalizeDaily } from "../../src/video/daily/webhook-normalize.ts";
import { isDailyVerificationCheck, verifyDaily } from "../../src/video/daily/webhook-verify.ts";

// Signed here the way Daily's webhooks docs describe it, apart from the verifier so that a shared
// mistake cannot make both sides agree: the webhook's `hmac` is base64; HMAC-SHA256 under its decoded
// bytes over "<X-Webhook-Timestamp>.<body>", sent base64 in X-Webhook-Signature.
const SECRET = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const ROOM = "r_8c3v5b4k9d2m7q1x0abcdefgh";
const ALICE = "clt_7f3k2p9d4x";

async function dailySignature(secretB64: string, timestamp: string, body: string): Promise<string> {
  const raw = Uint8Array.from(atob(secretB64), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${body}`)));
  return btoa(String.fromCharCode(...mac));
}

const nowS = () => Math.floor(Date.now() / 1000);

async function delivery(body: string, opts: { secret?: string; at?: number } = {}) {
  const timestamp = String(opts.at ?? nowS());
  const signature = await dailySignature(opts.secret ?? SECRET, timestamp, body);
  return new Headers({
    "content-type": "application/json",
    "x-webhook-signature": signature,
    "x-webhook-timestamp": timestamp,
  });
}

/** An event body as Daily writes one: common fields, then the event's payload (times in seconds). */
function event(type: string, payload: Record<string, unknown>, id = `${type}-16168c97-1708972302986`) {
  return JSON.stringify({ version: "1.0.0", type, id, payload, event_ts: nowS() + 0.961 });
}

const joinedAt = nowS() - 600 + 0.5;
const participant = (over: Record<string, unknown> = {}) => ({
  room: ROOM,
  user_id: ALICE,
  user_name: "Jane Doe",
  session_id: "6497c79b-f326-4d9e-8c59-4e5bd55f6a10",
  joined_at: joinedAt,
  will_eject_at: null,
  owner: false,
  permissions: { hasPresence: true, canSend: ["audio", "video"] },
  ...over,
});

const verify = (body: string, headers: Headers, now = Date.now(), secrets = [SECRET]) =>
  verifyDaily({ rawBody: body, headers, secrets, now });

describe("Daily webhook verification", () => {
  it("accepts a delivery signed as Daily signs it; the delivery id is the event id", async () => {
    const body = event("participant.joined", participant());
    const at = nowS();
    expect(await verify(body, await delivery(body, { at }))).toEqual({
      ok: true,
      deliveryId: "participant.joined-16168c97-1708972302986",
      timestamp: at * 1000,
      payload: JSON.parse(body),
    });
  });

  it("verifies the raw bytes: a body altered after signing is refused", async () => {
    const body = event("participant.joined", participant());
    const headers = await delivery(body);
    const altered = body.replace(ALICE, "clt_0000000000");
    expect(await verify(altered, headers)).toEqual({ ok: false, reason: "bad-signature", status: 401 });
    // Same JSON, other bytes (whitespace): not what was signed either.
    expect(await verify(JSON.stringify(JSON.parse(body), null, 1), headers)).toMatchObject({ reason: "bad-signature" });
  });

  it("refuses a signature under another secret, a moved timestamp, or the secret used unencoded", async () => {
    const body = event("participant.left", participant({ duration: 11.4 }));
    const other = btoa("another webhook secret, 32 bytes");
    expect(await verify(body, await delivery(body, { secret: other }))).toMatchObject({ reason: "bad-signature" });
    const headers = await delivery(body);
    headers.set("x-webhook-timestamp", String(Number(headers.get("x-webhook-timestamp")) - 1));
    expect(await verify(body, headers)).toMatchObject({ reason: "bad-signature", status: 401 });
    // A sender that keyed the HMAC with the base64 text itself is not Daily.
    const textKeyed = new Headers(await delivery(body));
    const ts = textKeyed.get("x-webhook-timestamp") ?? "";
    textKeyed.set("x-webhook-signature", await dailySignature(btoa(SECRET), ts, body));
    expect(await verify(body, textKeyed)).toMatchObject({ reason: "bad-signature" });
  });

  it("refuses stale and future deliveries (five minutes either way), which a replay would be", async () => {
    const body = event("participant.joined", participant());
    const old = await delivery(body, { at: nowS() - 6 * 60 });
    expect(await verify(body, old)).toEqual({ ok: false, reason: "stale", status: 401 });
    const ahead = await delivery(body, { at: nowS() + 6 * 60 });
    expect(await verify(body, ahead)).toEqual({ ok: false, reason: "stale", status: 401 });
    expect(await verify(body, await delivery(body, { at: nowS() - 4 * 60 }))).toMatchObject({ ok: true });
  });

  it("refuses missing or malformed headers, and no usable secret", async () => {
    const body = event("participant.joined", participant());
    const headers = await delivery(body);
    const without = (name: string) => {
      const h = new Headers(headers);
      h.delete(name);
      return h;
    };
    expect(await verify(body, without("x-webhook-signature"))).toEqual({
      ok: false,
      reason: "missing-header",
      status: 400,
    });
    expect(await verify(body, without("x-webhook-timestamp"))).toMatchObject({ reason: "missing-header" });
    const junk = new Headers(headers);
    junk.set("x-webhook-signature", "not base64 at all!");
    expect(await verify(body, junk)).toMatchObject({ reason: "malformed-header", status: 400 });
    const when = new Headers(headers);
    when.set("x-webhook-timestamp", "yesterday");
    expect(await verify(body, when)).toMatchObject({ reason: "malformed-header" });
    expect(await verify(body, headers, Date.now(), [])).toMatchObject({ reason: "no-secret", status: 401 });
    expect(await verify(body, headers, Date.now(), ["%%%"])).toMatchObject({ reason: "no-secret" });
  });

  it("reads the timestamp in seconds, with a fraction, or in milliseconds (Daily does not document the unit)", async () => {
    const body = event("participant.joined", participant());
    for (const ts of [`${nowS()}.961`, String(Date.now())]) {
      const signature = await dailySignature(SECRET, ts, body);
      const headers = new Headers({ "x-webhook-signature": signature, "x-webhook-timestamp": ts });
      expect(await verify(body, headers)).toMatchObject({
        ok: true,
        timestamp: Math.floor(Number(ts.slice(0, 10))) * 1000,
      });
    }
  });

  it("accepts the old or the new secret during a rotation", async () => {
    const body = event("participant.joined", participant());
    const rotated = [btoa("the new secret, being rolled in"), SECRET];
    expect(await verify(body, await delivery(body), Date.now(), rotated)).toMatchObject({ ok: true });
  });

  it("refuses a signed body that is not JSON, nests too deep, or has no event id, as invalid (400)", async () => {
    const deep = `${"[".repeat(MAX_JSON_DEPTH + 1)}${"]".repeat(MAX_JSON_DEPTH + 1)}`;
    const oversizeId = JSON.stringify({ type: "participant.joined", id: "x".repeat(300), payload: {} });
    for (const body of ["not json", deep, '{"type":"participant.joined"}', oversizeId, "\uFEFF{"]) {
      expect(await verify(body, await delivery(body))).toEqual({ ok: false, reason: "malformed-body", status: 400 });
    }
  });

  it("recognises Daily's check when a webhook is created, and nothing else as it", () => {
    expect(isDailyVerificationCheck('{"test":"test"}')).toBe(true);
    expect(isDailyVerificationCheck(event("participant.joined", participant()))).toBe(false);
    expect(isDailyVerificationCheck('{"test":"test","type":"participant.joined"}')).toBe(false);
    expect(isDailyVerificationCheck("[]")).toBe(false);
  });
});

describe("Daily presence facts", () => {
  it("a join is a connect at joined_at; a leave a disconnect at joined_at + duration (ms)", () => {
    expect(normalizeDaily(JSON.parse(event("participant.joined", participant(), "ptcpt-join-1")))).toEqual({
      ok: true,
      facts: [{ eventId: "ptcpt-join-1", room: ROOM, identity: ALICE, type: "connect", at: joinedAt * 1000 }],
    });
    const left = normalizeDaily(
      JSON.parse(event("participant.left", participant({ duration: 11.419 }), "ptcpt-left-1")),
    );
    expect(left).toEqual({
      ok: true,
      facts: [
        {
          eventId: "ptcpt-left-1",
          room: ROOM,
          identity: ALICE,
          type: "disconnect",
          at: Math.round((joinedAt + 11.419) * 1000),
        },
      ],
    });
  });

  it("the end of a meeting finishes the room at end_ts", () => {
    const endTs = nowS() - 5;
    const body = event(
      "meeting.ended",
      { start_ts: endTs - 3600, end_ts: endTs, meeting_id: "m-1", room: ROOM },
      "mtg-end-1",
    );
    expect(normalizeDaily(JSON.parse(body))).toEqual({
      ok: true,
      facts: [{ eventId: "mtg-end-1", room: ROOM, identity: "", type: "room-finished", at: endTs * 1000 }],
    });
  });

  it("the dedupe key is Daily's event id: a redelivery yields the same fact", () => {
    const body = event("participant.joined", participant(), "ptcpt-join-same");
    expect(normalizeDaily(JSON.parse(body))).toEqual(normalizeDaily(JSON.parse(body)));
  });

  it("ignores other events, other rooms and participants without one of our ids", () => {
    for (const type of ["meeting.started", "recording.started", "waiting-participant.joined", "transcript.started"]) {
      expect(normalizeDaily(JSON.parse(event(type, participant())))).toEqual({ ok: true, facts: [] });
    }
    const dashboardRoom = participant({ room: "hello" });
    expect(normalizeDaily(JSON.parse(event("participant.joined", dashboardRoom)))).toEqual({ ok: true, facts: [] });
    const stranger = participant({ user_id: "jane@example.com" });
    expect(normalizeDaily(JSON.parse(event("participant.joined", stranger)))).toEqual({ ok: true, facts: [] });
  });

  it("refuses a presence event without the fields it needs", () => {
    const invalid = { ok: false, reason: "invalid-payload" };
    const noTime = participant();
    delete (noTime as Record<string, unknown>).joined_at;
    expect(normalizeDaily(JSON.parse(event("participant.joined", noTime)))).toEqual(invalid);
    expect(normalizeDaily(JSON.parse(event("participant.left", participant())))).toEqual(invalid); // no duration
    expect(normalizeDaily(JSON.parse(event("meeting.ended", { room: ROOM })))).toEqual(invalid);
    expect(normalizeDaily({ type: "participant.joined", payload: participant() })).toEqual(invalid); // no id
    expect(normalizeDaily("participant.joined")).toEqual(invalid);
  });

  it("never carries the participant's name", () => {
    const out = JSON.stringify(normalizeDaily(JSON.parse(event("participant.joined", participant()))));
    expect(out).not.toContain("Jane");
  });
});
