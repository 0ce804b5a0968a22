import { env, runInDurableObject } from "cloudflare:test";
import { decodeJwt } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isoWeek } from "../dates.ts";
import { groupSession } from "../rooms/fixtures.ts";

afterEach(() => vi.restoreAllMocks());

const SAM = "Sam Rivera";
const JO = "Jo (client's own)";
const STAFF_NAME = "Dr. Alex Chen";

type Session = Awaited<ReturnType<typeof groupSession>>;

const names = (s: Session, ids: string[], token = s.facilitator) =>
  s.call("GET", `/v1/programs/${s.programId}/people?ids=${ids.join(",")}`, { token });
const setName = (s: Session, id: string, displayName: unknown, token = s.facilitator) =>
  s.call("PUT", `/v1/programs/${s.programId}/people/${id}/display-name`, { token, body: { displayName } });
const checkIn = async (s: Session, id: string, displayName?: string) =>
  s.call("POST", `/v1/sessions/${s.sessionId}/join`, {
    token: await s.clientToken(id),
    ...(displayName === undefined ? {} : { body: { displayName } }),
  });

/** Every row of every table in a Durable Object's SQLite, as one JSON text. */
async function storageText(ns: typeof env.ROOMS | typeof env.PROGRAMS, name: string): Promise<string> {
  return runInDurableObject(ns.getByName(name) as DurableObjectStub, async (_inst, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
      )
      .toArray();
    const rows = tables.map((t) => state.storage.sql.exec(`SELECT * FROM "${t.name}"`).toArray());
    const kv = [...(await state.storage.list()).entries()];
    return JSON.stringify({ rows, kv });
  });
}

async function kvText(): Promise<string> {
  const parts: string[] = [];
  for (const ns of [env.ATTENDANCE] as KVNamespace[]) {
    let cursor: string | undefined;
    do {
      const page = await ns.list(cursor ? { cursor } : {});
      for (const k of page.keys) parts.push(k.name, JSON.stringify(k.metadata ?? null), (await ns.get(k.name)) ?? "");
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
  }
  return parts.join("\n");
}

describe("display names: set by staff, chosen at check-in, shown to staff only", () => {
  it("staff set, read, replace and clear a name; bad names and wrong callers are refused", async () => {
    const s = await groupSession({ clients: 2 });
    const [a, b] = s.clients as [string, string];
    const put = await setName(s, a, `  ${SAM}  `);
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ subjectId: a, displayName: SAM, setBy: "staff" });

    for (const bad of ["", "   ", "x".repeat(41), "Sam\u0000R", "Sam\nR", "Sam\u202eR", 42, null]) {
      const res = await setName(s, a, bad);
      expect(res.status, `${JSON.stringify(bad)}: ${res.text}`).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await setName(s, a, "x".repeat(40))).status).toBe(200);
    expect((await setName(s, a, SAM)).status).toBe(200);

    // A client may not name anyone, not even themselves; another program's staff may not either.
    expect((await setName(s, a, "Me", await s.clientToken(a))).status).toBe(403);
    const stranger = await s.token("facilitator", "fac_9", "prg_00000000other");
    expect((await setName(s, a, "X", stranger)).status).toBe(403);
    expect((await names(s, [a], stranger)).status).toBe(403);
    expect((await names(s, [a], await s.clientToken(a))).status).toBe(403);
    // An e-mail is never a subject id: nothing is stored under it.
    expect((await setName(s, "jane.doe%40example.com", SAM)).status).toBe(404);
    expect((await s.call("GET", `/v1/programs/${s.programId}/people?ids=`, { token: s.facilitator })).status).toBe(400);

    const listed = await names(s, [a, b]);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.people).toEqual([expect.objectContaining({ subjectId: a, displayName: SAM, setBy: "staff" })]);

    const cleared = await s.call("DELETE", `/v1/programs/${s.programId}/people/${a}/display-name`, {
      token: s.facilitator,
    });
    expect(cleared.status).toBe(204);
    expect((await names(s, [a])).body.people).toEqual([]);
  });

  it("enrollments carry the name to staff; a patch sets or clears it; the enrollment row never holds it", async () => {
    const s = await groupSession({ clients: 1 });
    const tracks = await s.call("GET", `/v1/programs/${s.programId}/tracks`, { token: s.admin });
    const trackId = tracks.body.tracks?.[0]?.id ?? tracks.body.items?.[0]?.id ?? tracks.body[0]?.id;
    const created = await s.call("POST", `/v1/programs/${s.programId}/enrollments`, {
      token: s.admin,
      body: { clientId: "clt_named", trackId, startsOn: s.day, displayName: SAM },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.displayName).toBe(SAM);
    const got = await s.call("GET", `/v1/enrollments/${created.body.id}`, { token: s.facilitator });
    expect(got.body.displayName).toBe(SAM);
    const patched = await s.call("PATCH", `/v1/enrollments/${created.body.id}`, {
      token: s.admin,
      body: { displayName: null },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.displayName).toBeNull();
    const renamed = await s.call("PATCH", `/v1/enrollments/${created.body.id}`, {
      token: s.admin,
      body: { displayName: JO },
    });
    expect(renamed.body.displayName).toBe(JO);
    const list = await s.call("GET", `/v1/programs/${s.programId}/enrollments`, { token: s.facilitator });
    const row = JSON.stringify(list.body).includes(JO);
    expect(row).toBe(true);
    const bad = await s.call("PATCH", `/v1/enrollments/${created.body.id}`, {
      token: s.admin,
      body: { displayName: "a\u0007b" },
    });
    expect(bad.status).toBe(400);
    const enrollmentRows = await runInDurableObject(env.PROGRAMS.getByName(s.programId), async (_i, state) =>
      JSON.stringify(state.storage.sql.exec("SELECT * FROM enrollments").toArray()),
    );
    expect(enrollmentRows).not.toContain(JO);
  });

  it("a client names themselves at check-in; staff's name wins; the program may not ask", async () => {
    const s = await groupSession({ clients: 3, settings: { admissionPolicy: "manual" } });
    const [a, b, c] = s.clients as [string, string, string];
    await s.open();
    const view = await s.call("GET", `/v1/sessions/${s.sessionId}`, { token: await s.clientToken(a) });
    expect(view.body.checkInAsksName).toBe(true);
    expect(view.body).not.toHaveProperty("displayName");

    expect((await checkIn(s, a, JO)).status).toBe(202);
    expect((await names(s, [a])).body.people[0]).toMatchObject({ displayName: JO, setBy: "client" });
    // No body at all, as every client before this feature sent: still a check-in.
    expect((await checkIn(s, b)).status).toBe(202);
    expect((await checkIn(s, c, "x".repeat(41))).status).toBe(400);

    await setName(s, a, SAM);
    // Staff named them: the page asks no more, and a name sent anyway changes nothing.
    const named = await s.call("GET", `/v1/sessions/${s.sessionId}`, { token: await s.clientToken(a) });
    expect(named.body).toMatchObject({ checkInAsksName: false, nameShownInCall: false });
    expect((await checkIn(s, a, "Someone else")).status).toBe(202);
    expect((await names(s, [a])).body.people[0]).toMatchObject({ displayName: SAM, setBy: "staff" });

    await s.call("PATCH", `/v1/programs/${s.programId}`, {
      token: s.admin,
      body: { settings: { clientsChooseDisplayName: false } },
    });
    const asked = await s.call("GET", `/v1/sessions/${s.sessionId}`, { token: await s.clientToken(c) });
    expect(asked.body.checkInAsksName).toBe(false);
    const refused = await checkIn(s, c, "Cee");
    expect(refused.status, refused.text).toBe(403);
    expect((await names(s, [c])).body.people).toEqual([]);
    // The audit trail says a name was chosen, never which.
    const trail = await s.call("GET", `/v1/programs/${s.programId}/audit`, { token: s.admin });
    const text = JSON.stringify(trail.body);
    expect(text).toContain("name");
    for (const n of [JO, SAM, "Cee"]) expect(text).not.toContain(n);
  });

  it("staff views name people; a client's views carry no names", async () => {
    const s = await groupSession({ clients: 2 });
    const [a, b] = s.clients as [string, string];
    await setName(s, a, SAM);
    await setName(s, "fac_1", STAFF_NAME);
    await s.open();
    await checkIn(s, a);
    await checkIn(s, b);
    await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: s.facilitator });
    const roster = await s.call("GET", `/v1/sessions/${s.sessionId}/attendance`, { token: s.facilitator });
    expect(roster.status, roster.text).toBe(200);
    const byId = Object.fromEntries(
      roster.body.participants.map((p: { participantId: string; displayName: string | null }) => [
        p.participantId,
        p.displayName,
      ]),
    );
    expect(byId[a]).toBe(SAM);
    expect(byId[b]).toBeNull();
    expect(byId.fac_1).toBe(STAFF_NAME);

    const week = isoWeek(s.day);
    const atRisk = await s.call("GET", `/v1/programs/${s.programId}/attendance/at-risk?week=${week}`, {
      token: s.admin,
    });
    expect(atRisk.status, atRisk.text).toBe(200);
    const risky = atRisk.body.clients.find((x: { clientId: string }) => x.clientId === a);
    expect(risky?.displayName).toBe(SAM);

    const staffWeek = await s.call("GET", `/v1/programs/${s.programId}/clients/${a}/attendance?week=${week}`, {
      token: s.facilitator,
    });
    expect(staffWeek.body.displayName).toBe(SAM);
    const ownWeek = await s.call("GET", `/v1/programs/${s.programId}/clients/${a}/attendance?week=${week}`, {
      token: await s.clientToken(a),
    });
    expect(ownWeek.status, ownWeek.text).toBe(200);
    expect(JSON.stringify(ownWeek.body)).not.toContain(SAM);
    expect(ownWeek.body).not.toHaveProperty("displayName");
  });

  it("the LiveKit token shows the name only where the program says so; otherwise a stable alias", async () => {
    const s = await groupSession({ clients: 2, settings: { videoProvider: "livekit" } });
    const [a, b] = s.clients as [string, string];
    await setName(s, a, SAM);
    await s.open();
    const first = await checkIn(s, a);
    expect(first.status, first.text).toBe(200);
    const alias = decodeJwt(first.body.token).name as string;
    expect(alias).toMatch(/^Participant \d{4}$/);
    expect(first.body.token).not.toContain(SAM);
    const again = decodeJwt((await checkIn(s, a)).body.token).name;
    expect(again).toBe(alias);

    await s.call("PATCH", `/v1/programs/${s.programId}`, {
      token: s.admin,
      body: { settings: { displayNamesInCall: true } },
    });
    const named = await checkIn(s, a);
    expect(decodeJwt(named.body.token).name).toBe(SAM);
    // Without a name the call still shows an alias, never the id.
    const unnamed = decodeJwt((await checkIn(s, b)).body.token);
    expect(unnamed.name).toMatch(/^Participant \d{4}$/);
    expect(unnamed.name).not.toContain(b);
    const facilitator = await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: s.facilitator });
    expect(decodeJwt(facilitator.body.token).name).toMatch(/^Facilitator \d{4}$/);
  });

  it("a native join token never carries the name, even with names in the call on", async () => {
    const s = await groupSession({ clients: 1, settings: { displayNamesInCall: true } });
    const [a] = s.clients as [string];
    await setName(s, a, SAM);
    await s.open();
    const joined = await checkIn(s, a);
    expect(joined.status, joined.text).toBe(200);
    expect(joined.body.provider).toBe("native");
    expect(JSON.stringify(decodeJwt(joined.body.token))).not.toContain("Sam");
  });

  it("after a scenario no name is in KV, the room's storage, the audit entries or the logs", async () => {
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
    const s = await groupSession({ clients: 3, settings: { admissionPolicy: "manual", videoProvider: "livekit" } });
    const [a, b, c] = s.clients as [string, string, string];
    await setName(s, a, SAM);
    await s.open();
    await checkIn(s, a);
    await checkIn(s, b, JO);
    await checkIn(s, c, "x".repeat(41));
    await s.call("POST", `/v1/sessions/${s.sessionId}/participants/${b}/admit`, { token: s.facilitator });
    await checkIn(s, b);
    await s.call("DELETE", `/v1/sessions/${s.sessionId}/participants/${b}`, { token: s.facilitator });
    await s.call("GET", `/v1/sessions/${s.sessionId}/attendance`, { token: s.facilitator });
    await names(s, [a, b, c]);
    s.clock.set(s.at(180));
    await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: s.facilitator });
    await s.call("GET", `/v1/programs/${s.programId}/attendance?from=${s.day}&to=${s.day}`, { token: s.admin });

    const audit = await runInDurableObject(env.PROGRAMS.getByName(s.programId), async (_i, state) =>
      JSON.stringify(state.storage.sql.exec("SELECT * FROM audit").toArray()),
    );
    const elsewhere = [
      ["logs", lines.join("\n")],
      ["kv", await kvText()],
      ["room", await storageText(env.ROOMS, s.sessionId)],
      ["audit", audit],
    ] as const;
    expect(lines.length).toBeGreaterThan(0);
    expect(audit.length).toBeGreaterThan(100);
    for (const [where, text] of elsewhere) {
      for (const n of [SAM, JO, "Sam", "Rivera"]) expect(text.includes(n), `${n} in ${where}`).toBe(false);
    }
    // The program's directory does hold the names: the one place they live.
    expect(await storageText(env.PROGRAMS, s.programId)).toContain(SAM);
  });
});
