import { describe, expect, it } from "vitest";
import { verifyGoogle } from "../../../src/calendar/providers/google/verify.ts";

const TOKEN = "channel-token-secret";
const NOW = Date.parse("2026-11-20T10:00:00Z");

function push(over: Record<string, string | undefined> = {}): Headers {
  const all: Record<string, string | undefined> = {
    "x-goog-channel-id": "chn_01",
    "x-goog-channel-token": TOKEN,
    "x-goog-channel-expiration": "Tue, 24 Nov 2026 10:00:00 GMT",
    "x-goog-resource-id": "res-abc",
    "x-goog-resource-uri": "https://www.googleapis.com/calendar/v3/calendars/cal/events?alt=json",
    "x-goog-resource-state": "exists",
    "x-goog-message-number": "12",
    ...over,
  };
  const h = new Headers();
  for (const [k, v] of Object.entries(all)) if (v !== undefined) h.set(k, v);
  return h;
}
const verify = (headers: Headers, secrets = [TOKEN]) => verifyGoogle({ headers, secrets, now: NOW, rawBody: "" });

describe("Google push notification verification", () => {
  it("accepts a change notification and asks for a sync, with channel + message number as delivery id", async () => {
    expect(await verify(push())).toEqual({
      ok: true,
      deliveryId: "chn_01:12",
      channelId: "chn_01",
      resourceId: "res-abc",
      resourceState: "exists",
      action: "sync",
      messageNumber: 12,
      channelExpiresAt: Date.parse("2026-11-24T10:00:00Z"),
    });
  });

  it("acknowledges the initial sync message with no work, and reports a vanished calendar", async () => {
    expect(await verify(push({ "x-goog-resource-state": "sync", "x-goog-message-number": "1" }))).toMatchObject({
      action: "ack",
    });
    expect(await verify(push({ "x-goog-resource-state": "not_exists" }))).toMatchObject({ action: "gone" });
  });

  it("refuses a forged, missing or outdated channel token; accepts either token during rotation", async () => {
    expect(await verify(push({ "x-goog-channel-token": "guess" }))).toEqual({
      ok: false,
      reason: "bad-signature",
      status: 401,
    });
    expect(await verify(push({ "x-goog-channel-token": undefined }))).toEqual({
      ok: false,
      reason: "unsigned",
      status: 401,
    });
    expect(await verify(push(), ["new-token"])).toMatchObject({ ok: false, status: 401 });
    expect(await verify(push(), ["new-token", TOKEN])).toMatchObject({ ok: true });
    expect(await verify(push(), [])).toMatchObject({ reason: "no-secret" });
  });

  it("refuses a message for a channel that expired (a replay), allowing five minutes of skew", async () => {
    const expired = push({ "x-goog-channel-expiration": "Fri, 20 Nov 2026 09:54:00 GMT" });
    expect(await verify(expired)).toEqual({ ok: false, reason: "stale", status: 401 });
    const justExpired = push({ "x-goog-channel-expiration": "Fri, 20 Nov 2026 09:56:00 GMT" });
    expect(await verify(justExpired)).toMatchObject({ ok: true });
  });

  it("refuses missing or malformed headers with 400", async () => {
    for (const name of ["x-goog-channel-id", "x-goog-resource-state", "x-goog-message-number", "x-goog-resource-id"]) {
      expect(await verify(push({ [name]: undefined }))).toMatchObject({
        ok: false,
        reason: "missing-header",
        status: 400,
      });
    }
    for (const over of [{ "x-goog-resource-state": "toString" }, { "x-goog-message-number": "12a" }]) {
      expect(await verify(push(over))).toMatchObject({ ok: false, reason: "malformed-header", status: 400 });
    }
  });
});
