import { describe, expect, it } from "vitest";
import { normalizeMicrosoft } from "../../../src/calendar/providers/microsoft/normalize.ts";
import { graphValidationResponse, verifyMicrosoft } from "../../../src/calendar/providers/microsoft/verify.ts";

const CLIENT_STATE = "graph-client-state-secret";
const NOW = Date.parse("2026-11-20T10:00:00Z");

function notification(over: Record<string, unknown> = {}) {
  return {
    subscriptionId: "sub-1",
    subscriptionExpirationDateTime: "2026-11-23T10:00:00.0000000-08:00",
    changeType: "updated",
    resource: "Users/u-1/Events/AAMk1",
    resourceData: { "@odata.type": "#Microsoft.Graph.Event", id: "AAMk1" },
    clientState: CLIENT_STATE,
    tenantId: "tenant-1",
    ...over,
  };
}
const bodyOf = (...items: unknown[]) => JSON.stringify({ value: items });
const verify = (raw: string, secrets = [CLIENT_STATE]) =>
  verifyMicrosoft({ rawBody: raw, headers: new Headers(), secrets, now: NOW });

describe("Graph subscription handshake", () => {
  it("echoes the validation token byte for byte as text/plain", async () => {
    const token = "a b <script>alert(1)</script>";
    const url = new URL(
      `https://iop.example/v1/webhooks/calendar/prg_1/microsoft?validationToken=${encodeURIComponent(token)}`,
    );
    const res = graphValidationResponse(url);
    expect(res?.status).toBe(200);
    expect(res?.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(res?.headers.get("x-content-type-options")).toBe("nosniff");
    expect(new Uint8Array((await res?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(new TextEncoder().encode(token));
  });

  it("decodes form-style encoding the way the query string defines it", async () => {
    const res = graphValidationResponse(new URL("https://iop.example/h?validationToken=a+b%2Bc"));
    expect(await res?.text()).toBe("a b+c");
  });

  it("returns null when there is no validation token", () => {
    expect(graphValidationResponse(new URL("https://iop.example/h?other=1"))).toBeNull();
  });
});

describe("Graph notification verification", () => {
  it("accepts notifications whose every clientState matches, with a body digest as delivery id", async () => {
    const raw = bodyOf(notification(), notification({ resource: "Users/u-1/Events/AAMk2" }));
    const res = await verify(raw);
    expect(res).toMatchObject({ ok: true, deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(res.ok && res.body.value).toHaveLength(2);
  });

  it("refuses when any one item has a wrong or missing clientState", async () => {
    expect(await verify(bodyOf(notification(), notification({ clientState: "guess" })))).toEqual({
      ok: false,
      reason: "bad-signature",
      status: 401,
    });
    expect(await verify(bodyOf(notification({ clientState: undefined })))).toMatchObject({ status: 401 });
  });

  it("accepts the old or the new clientState during rotation", async () => {
    expect(await verify(bodyOf(notification({ clientState: "next" })), [CLIENT_STATE, "next"])).toMatchObject({
      ok: true,
    });
    expect(await verify(bodyOf(notification()), [])).toMatchObject({ reason: "no-secret" });
  });

  it("refuses malformed, deep and schema-less bodies with 400, never throws", async () => {
    for (const raw of [
      "not json",
      "[]",
      '{"value":[]}',
      '{"value":[{"subscriptionId":"s"}]}',
      `${"[".repeat(5000)}${"]".repeat(5000)}`,
    ]) {
      expect(await verify(raw)).toEqual({ ok: false, reason: "malformed-body", status: 400 });
    }
  });
});

describe("Graph normalisation", () => {
  it("names the resources to fetch and the lifecycle chores, nothing else", () => {
    const res = normalizeMicrosoft({
      value: [
        notification(),
        notification({ changeType: "deleted", resource: "Users/u-1/Events/AAMk3", resourceData: { id: "AAMk3" } }),
        notification({ changeType: "undeleted-someday" }),
        {
          subscriptionId: "sub-1",
          lifecycleEvent: "reauthorizationRequired",
          clientState: CLIENT_STATE,
          subscriptionExpirationDateTime: "2026-11-21T00:00:00.0000000Z",
        },
        { subscriptionId: "sub-2", lifecycleEvent: "missed", clientState: CLIENT_STATE },
        { subscriptionId: "sub-3", lifecycleEvent: "somethingNew", clientState: CLIENT_STATE },
      ],
    });
    expect(res).toEqual({
      ok: true,
      changes: [
        {
          subscriptionId: "sub-1",
          changeType: "updated",
          resource: "Users/u-1/Events/AAMk1",
          resourceId: "AAMk1",
          tenantId: "tenant-1",
        },
        {
          subscriptionId: "sub-1",
          changeType: "deleted",
          resource: "Users/u-1/Events/AAMk3",
          resourceId: "AAMk3",
          tenantId: "tenant-1",
        },
      ],
      lifecycle: [
        { subscriptionId: "sub-1", event: "reauthorizationRequired", expiresAt: "2026-11-21T00:00:00Z" },
        { subscriptionId: "sub-2", event: "missed" },
      ],
    });
  });
});
