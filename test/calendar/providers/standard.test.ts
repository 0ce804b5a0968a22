import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { verifyStandard } from "../../../src/calendar/providers/standard/verify.ts";
import { STANDARD_SPEC_VECTOR as SPEC } from "./fixtures.ts";
import { standardHeaders } from "./senders.ts";

const specNow = SPEC.timestamp * 1000;

function specHeaders(over: Record<string, string | undefined> = {}): Headers {
  const h = new Headers();
  const all = {
    "webhook-id": SPEC.id,
    "webhook-timestamp": String(SPEC.timestamp),
    "webhook-signature": SPEC.signature,
    ...over,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) h.set(k, v);
  return h;
}

const verify = (headers: Headers, body: string | Uint8Array = SPEC.body, now = specNow, secrets = [SPEC.secret]) =>
  verifyStandard({ rawBody: body, headers, secrets, now });

describe("Standard Webhooks verification", () => {
  it("accepts the specification's test vector, as a string and as raw bytes", async () => {
    expect(await verify(specHeaders())).toEqual({ ok: true, deliveryId: SPEC.id, timestamp: specNow });
    expect(await verify(specHeaders(), new TextEncoder().encode(SPEC.body))).toMatchObject({ ok: true });
  });

  it("agrees with the official package on the vector (the package runs inside workerd)", () => {
    expect(new Webhook(SPEC.secret).sign(SPEC.id, new Date(specNow), SPEC.body)).toBe(SPEC.signature);
  });

  it("accepts deliveries the official package signs, for any body", async () => {
    const secret = `whsec_${btoa("a sender's thirty-two byte secret")}`;
    const now = Date.parse("2026-11-23T17:00:00Z");
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "grapheme", maxLength: 200 }),
        fc.integer({ min: -300, max: 300 }),
        async (body, skew) => {
          const headers = standardHeaders(secret, "msg_x", now / 1000 + skew, body);
          expect(await verifyStandard({ rawBody: body, headers, secrets: [secret], now })).toMatchObject({ ok: true });
        },
      ),
      { numRuns: 60 },
    );
  });

  it("refuses missing headers with 400", async () => {
    for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
      expect(await verify(specHeaders({ [name]: undefined }))).toEqual({
        ok: false,
        reason: "missing-header",
        status: 400,
      });
    }
  });

  it("refuses a malformed timestamp with 400", async () => {
    for (const ts of ["abc", "1614265330.5", "-1614265330", " "]) {
      expect(await verify(specHeaders({ "webhook-timestamp": ts }))).toMatchObject({ ok: false, status: 400 });
    }
  });

  it("keeps a 5-minute tolerance in both directions: 300 s accepted, 301 s refused", async () => {
    expect(await verify(specHeaders(), SPEC.body, specNow + 300_000)).toMatchObject({ ok: true });
    expect(await verify(specHeaders(), SPEC.body, specNow - 300_000)).toMatchObject({ ok: true });
    expect(await verify(specHeaders(), SPEC.body, specNow + 301_000)).toEqual({
      ok: false,
      reason: "stale",
      status: 401,
    });
    expect(await verify(specHeaders(), SPEC.body, specNow - 301_000)).toEqual({
      ok: false,
      reason: "stale",
      status: 401,
    });
  });

  it("refuses a re-dated delivery: the timestamp is part of what is signed", async () => {
    const res = await verify(specHeaders({ "webhook-timestamp": String(SPEC.timestamp + 1) }));
    expect(res).toEqual({ ok: false, reason: "bad-signature", status: 401 });
  });

  it("refuses truncated and altered signatures", async () => {
    const sig = SPEC.signature;
    for (const bad of [
      sig.slice(0, -4),
      sig.slice(0, 10),
      "v1,",
      "v1",
      `v1,${"A".repeat(44)}`,
      sig.replace("g0h", "g0i"),
    ]) {
      expect(await verify(specHeaders({ "webhook-signature": bad }))).toMatchObject({ ok: false, status: 401 });
    }
  });

  it("refuses an altered body and a different id", async () => {
    expect(await verify(specHeaders(), '{"test": 2432232315}')).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(await verify(specHeaders(), `${SPEC.body} `)).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(await verify(specHeaders({ "webhook-id": "msg_other" }))).toMatchObject({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("ignores unknown versions but accepts when one valid v1 signature is among them", async () => {
    const list = `v2,${SPEC.signature.slice(3)} v1a,xyz ${SPEC.signature} v1,${"B".repeat(43)}=`;
    expect(await verify(specHeaders({ "webhook-signature": list }))).toMatchObject({ ok: true });
    const only = `v2,${SPEC.signature.slice(3)} v1a,${SPEC.signature.slice(3)}`;
    expect(await verify(specHeaders({ "webhook-signature": only }))).toEqual({
      ok: false,
      reason: "unsigned",
      status: 401,
    });
  });

  it("rotates secrets without downtime: either of two secrets verifies, a third does not", async () => {
    const other = `whsec_${btoa("the next secret, rotated in now!")}`;
    expect(await verify(specHeaders(), SPEC.body, specNow, [other, SPEC.secret])).toMatchObject({ ok: true });
    const headers = standardHeaders(other, SPEC.id, SPEC.timestamp, SPEC.body);
    expect(await verify(headers, SPEC.body, specNow, [SPEC.secret, other])).toMatchObject({ ok: true });
    expect(await verify(headers, SPEC.body, specNow, [SPEC.secret])).toMatchObject({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("accepts a sender listing both old and new signatures during its own rotation", async () => {
    const other = `whsec_${btoa("the next secret, rotated in now!")}`;
    const second = standardHeaders(other, SPEC.id, SPEC.timestamp, SPEC.body).get("webhook-signature");
    const both = specHeaders({ "webhook-signature": `${second} ${SPEC.signature}` });
    expect(await verify(both)).toMatchObject({ ok: true });
  });

  it("refuses when no usable secret is configured, never throws", async () => {
    expect(await verify(specHeaders(), SPEC.body, specNow, [])).toEqual({
      ok: false,
      reason: "no-secret",
      status: 401,
    });
    expect(await verify(specHeaders(), SPEC.body, specNow, ["whsec_", "whsec_!!"])).toMatchObject({
      reason: "no-secret",
    });
  });

  it("never throws on arbitrary header values", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.string(), async (id, ts, sig) => {
        const h = new Headers();
        const safe = (s: string) => s.replace(/[^\x20-\x7e]/g, "");
        h.set("webhook-id", safe(id) || "x");
        h.set("webhook-timestamp", safe(ts) || "x");
        h.set("webhook-signature", safe(sig) || "x");
        const res = await verify(h);
        expect(res.ok).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});
