import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { iso } from "../dates.ts";
import { atSecond, booking, type CalendarProgram, CLIENTS, calendarProgram, invitee, on } from "./fixtures.ts";
import { calcomHeaders, calendlyHeaders, standardHeaders } from "./providers/senders.ts";

const upserted = (version: number) =>
  JSON.stringify({
    type: "session.upserted",
    timestamp: iso(atSecond(0)),
    data: {
      externalId: `ehr-${version}`,
      startsAt: on(0, "09:00"),
      endsAt: on(0, "12:00"),
      kind: "group",
      clientIds: [CLIENTS.calcom],
      version,
    },
  });

/** A program whose WEBHOOK_SECRETS hold nothing for these sources: only what the API sets counts. */
const fresh = () => calendarProgram({ secrets: { standard: [], calcom: [], calendly: [] }, apiSecrets: false });

async function addSecret(p: CalendarProgram, source: string, body: Record<string, unknown> = {}, token = p.admin) {
  return p.call("POST", `/v1/programs/${p.programId}/integrations/calendar/secrets`, {
    token,
    body: { source, ...body },
  });
}
const standard = (p: CalendarProgram, secret: string, n: number) => {
  const body = upserted(n);
  return p.post("standard", body, standardHeaders(secret, `msg_${n}`, Math.floor(p.clock.now() / 1000), body));
};

describe("calendar secrets a clinic switches on through the API (issue 17, item 1)", () => {
  it("a program made at runtime receives signed deliveries the moment its admin turns a source on", async () => {
    const p = await fresh();
    expect((await standard(p, `whsec_${btoa("not yet anybody's secret!")}`, 1)).status).toBe(404);
    const made = await addSecret(p, "standard");
    expect(made.status, made.text).toBe(201);
    expect(made.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(made.body).toMatchObject({ source: "standard", active: true, expiresAt: null });
    expect(made.body.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(made.body.webhookUrl).toMatch(new RegExp(`/v1/webhooks/calendar/${p.programId}/standard$`));
    const res = await standard(p, made.body.secret, 2);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ status: "applied" });
    expect(await p.sessions()).toMatchObject([{ origin: { source: "standard", externalId: "ehr-2" } }]);

    // Cal.com: a generated secret; Calendly: the signing key Calendly issued, pasted.
    const cal = await addSecret(p, "calcom");
    const raw = JSON.stringify(booking("BOOKING_CREATED", { uid: "bk_api" }));
    expect((await p.post("calcom", raw, await calcomHeaders(cal.body.secret, raw))).status).toBe(200);
    expect((await addSecret(p, "calendly")).status).toBe(400);
    const key = "calendly-issued-signing-key-0123456789";
    expect((await addSecret(p, "calendly", { secret: key })).status).toBe(201);
    const inv = JSON.stringify(invitee("invitee.created"));
    const seconds = Math.floor(p.clock.now() / 1000);
    expect((await p.post("calendly", inv, await calendlyHeaders(key, seconds, inv))).status).toBe(200);
  });

  it("rotates with an overlap: both accepted until the deadline, only the new one after", async () => {
    const p = await fresh();
    const old = (await addSecret(p, "standard")).body.secret as string;
    const until = iso(p.clock.now() + 3600_000);
    const rotated = await addSecret(p, "standard", { replacesUntil: until });
    expect(rotated.status, rotated.text).toBe(201);
    const next = rotated.body.secret as string;
    expect((await standard(p, old, 1)).status).toBe(200);
    expect((await standard(p, next, 2)).status).toBe(200);
    const listed = await p.call("GET", `/v1/programs/${p.programId}/integrations/calendar/secrets`, { token: p.admin });
    const life = Object.fromEntries(
      listed.body.secrets.map((s: { id: string; expiresAt: string | null }) => [s.id, s.expiresAt]),
    );
    expect(life[rotated.body.id]).toBeNull();
    expect(Object.values(life).sort()).toEqual([until, null].sort());
    p.clock.advance(3600_000 + 1000);
    expect((await standard(p, old, 3)).status).toBe(401);
    expect((await standard(p, next, 4)).status).toBe(200);
    // Revoked: refused at once (and with no secret left, the source is off again: 404).
    const id = rotated.body.id as string;
    const gone = await p.call("DELETE", `/v1/programs/${p.programId}/integrations/calendar/secrets/${id}`, {
      token: p.admin,
    });
    expect(gone.status).toBe(204);
    expect((await standard(p, next, 5)).status).toBe(404);
  });

  it("shows a secret once: lists, audit entries and the Durable Object hold only ciphertext and fingerprints", async () => {
    const p = await fresh();
    const made = await addSecret(p, "standard");
    const secret = made.body.secret as string;
    const listed = await p.call("GET", `/v1/programs/${p.programId}/integrations/calendar/secrets`, { token: p.admin });
    expect(listed.status).toBe(200);
    expect(listed.body.secrets).toEqual([
      expect.objectContaining({ id: made.body.id, fingerprint: made.body.fingerprint, active: true }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6, 30));
    const stored = await runInDurableObject(env.PROGRAMS.getByName(p.programId), async (_i, state) =>
      JSON.stringify([
        ...state.storage.sql.exec("SELECT * FROM integration_secrets"),
        ...state.storage.sql.exec("SELECT * FROM audit"),
      ]),
    );
    expect(stored).toContain(made.body.fingerprint);
    expect(stored).not.toContain(secret.slice(6, 30));
    const trail = await p.call("GET", `/v1/programs/${p.programId}/audit`, { token: p.admin });
    expect(trail.body.entries).toContainEqual(
      expect.objectContaining({ action: "integration.secret.add", outcome: `standard:${made.body.fingerprint}` }),
    );
    // A ciphertext tampered with, or moved to another row, opens to nothing: the delivery is refused.
    await runInDurableObject(env.PROGRAMS.getByName(p.programId), async (_i, state) => {
      // Always a change: a ciphertext that already starts with "A" (1 in 64) gets "B".
      state.storage.sql.exec(
        "UPDATE integration_secrets SET ciphertext = CASE WHEN ciphertext LIKE 'A%' THEN 'B' ELSE 'A' END || substr(ciphertext, 2)",
      );
    });
    expect((await standard(p, secret, 1)).status).toBe(404);
  });

  it("only the program's admin may do it; bad input and a missing key are clear errors", async () => {
    const p = await fresh();
    const facilitator = await p.token("facilitator", "fac_1", p.programId);
    const client = await p.token("client", CLIENTS.calcom, p.programId);
    const other = await p.token("admin", "adm_2", "prg_00000000000000other");
    for (const t of [facilitator, client, other]) expect((await addSecret(p, "standard", {}, t)).status).toBe(403);
    const path = `/v1/programs/${p.programId}/integrations/calendar/secrets`;
    expect((await p.call("GET", path, { token: facilitator })).status).toBe(403);
    expect((await addSecret(p, "zoom")).status).toBe(400);
    expect((await addSecret(p, "standard", { secret: "short" })).status).toBe(400);
    expect((await addSecret(p, "standard", { secret: "has spaces in it, sixteen+" })).status).toBe(400);
    expect((await addSecret(p, "standard", { replacesUntil: iso(p.clock.now() - 1000) })).status).toBe(400);
    expect((await addSecret(p, "standard", { replacesUntil: iso(p.clock.now() + 31 * 86_400_000) })).status).toBe(400);
    expect((await p.call("DELETE", `${path}/sec_nothing`, { token: p.admin })).status).toBe(404);
    const noKey = await p.call("POST", `/v1/programs/${p.programId}/integrations/calendar/secrets`, {
      token: p.admin,
      body: { source: "standard" },
      env: { INTEGRATION_KEY: "" },
    });
    expect(noKey.status).toBe(503);
    expect(noKey.headers.get("content-type")).toContain("application/problem+json");
  });
});
