import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { roomName } from "../../src/tokens/window.ts";
import { calendarProgram, on, SECRETS } from "../calendar/fixtures.ts";
import { livekitAuthorization, standardHeaders } from "../calendar/providers/senders.ts";
import { iso, isoWeek, plusDays, zoned } from "../dates.ts";
import { connect, groupSession } from "../rooms/fixtures.ts";

/** An entry as the walk compares it; `outcome` may be a pattern where it holds a fresh id. */
type Seen = { actor: string; action: string; object: string | RegExp; session?: string; outcome: string | RegExp };

/** Routes that neither change anything nor read patient data, and why. */
const EXEMPT: Record<string, string> = {
  getHealth: "liveness only",
  getOpenApiDocument: "the API's own description",
  getApiReference: "the API's own description",
  getSigningKeys: "public keys",
  getProgram: "a program's settings hold no patient data",
  getCalendarIntegration: "configuration; keys only as fingerprints",
  introspectToken: "a media gateway's yes or no on a token id whose issue is on the trail",
};

/** The directory's entries after `seq`, once the session's room has forwarded everything it queued. */
async function entriesAfter(programId: string, seq: number, sessionId?: string) {
  if (sessionId) {
    for (let i = 0; i < 100; i++) {
      const queued = await runInDurableObject(env.ROOMS.getByName(sessionId), (_x, state) => {
        const tables = state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'audit_outbox'").toArray();
        return tables.length === 0
          ? 0
          : state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM audit_outbox").one().n;
      });
      if (queued === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  return runInDurableObject(env.PROGRAMS.getByName(programId), (_x, state) =>
    state.storage.sql
      .exec<Record<string, string | number | null>>("SELECT * FROM audit WHERE seq > ? ORDER BY seq", seq)
      .toArray(),
  );
}

/** A walker over one program: each step is one API call and the entries it must leave, exactly. */
function walker(programId: string, sessionId?: string) {
  let seq = 0;
  const walked = new Set<string>();
  return {
    walked,
    async step(
      operationId: string,
      call: () => Promise<{ status: number; text?: string }>,
      expected: Seen[],
      status?: number,
    ) {
      const before = await entriesAfter(programId, seq, sessionId);
      seq = Number(before.at(-1)?.seq ?? seq);
      const res = await call();
      if (status) expect(res.status, `${operationId}: ${res.text ?? ""}`).toBe(status);
      else expect(res.status, `${operationId}: ${res.text ?? ""}`).toBeLessThan(300);
      const added = await entriesAfter(programId, seq, sessionId);
      seq = Number(added.at(-1)?.seq ?? seq);
      const seen = added.map((e) => ({
        actor: e.actor,
        action: e.action,
        object: e.object,
        ...(e.session ? { session: e.session } : {}),
        outcome: e.outcome,
      }));
      const like = (v: string | RegExp) => (typeof v === "string" ? v : expect.stringMatching(v));
      expect(seen, operationId).toEqual(
        expected.map((x) => ({ ...x, object: like(x.object), outcome: like(x.outcome) })),
      );
      // Every entry names the request that caused it.
      expect(
        added.every((e) => typeof e.request_id === "string" && e.request_id.length > 0),
        operationId,
      ).toBe(true);
      walked.add(operationId);
    },
  };
}

describe("every route that changes something or reads patient data leaves exactly its audit entries", () => {
  const operations = new Set<string>();
  const walked = new Set<string>();

  it("a program's life: settings, series, sessions, enrollments, invites, feeds, sign-in, the room, attendance, the trail", async () => {
    const s = await groupSession({ clients: 2, settings: { admissionPolicy: "manual" } });
    const doc = await s.call("GET", "/openapi.json");
    for (const path of Object.values(doc.body.paths) as Record<string, { operationId: string }>[]) {
      for (const op of Object.values(path)) operations.add(op.operationId);
    }
    const w = walker(s.programId, s.sessionId);
    const [c0, c1] = s.clients as [string, string];
    const P = s.programId;
    const S = s.sessionId;
    const a = (
      actor: string,
      action: string,
      object: string | RegExp,
      outcome: string | RegExp,
      session?: string,
    ): Seen => ({
      actor,
      action,
      object,
      ...(session ? { session } : {}),
      outcome,
    });
    let body: Record<string, unknown> = {};
    const run =
      (method: string, path: string, o: { token?: string; body?: unknown; env?: Record<string, string> } = {}) =>
      async () => {
        const res = await s.call(method, path, { token: s.admin, ...o });
        body = res.body;
        return res;
      };

    await w.step("updateProgram", run("PATCH", `/v1/programs/${P}`, { body: { settings: { graceMinutes: 12 } } }), [
      a("adm_1", "program.update", P, "settings"),
    ]);
    const trackBody = {
      name: "Evenings",
      days: ["TU"],
      startTime: "18:00",
      endTime: "21:00",
      startsOn: plusDays(s.day, 1),
    };
    await w.step("createTrack", run("POST", `/v1/programs/${P}/tracks`, { body: trackBody }), [
      a("adm_1", "track.create", /^trk_/, "group"),
    ]);
    const T = body.id as string;
    await w.step("listTracks", run("GET", `/v1/programs/${P}/tracks`), [a("adm_1", "track.read", P, /^list:\d+$/)]);
    await w.step("getTrack", run("GET", `/v1/tracks/${T}`), [a("adm_1", "track.read", T, "active")]);
    await w.step("updateTrack", run("PATCH", `/v1/tracks/${T}`, { body: { endTime: "20:30" } }), [
      a("adm_1", "track.update", T, "endTime"),
    ]);
    await w.step("getClientPlan", run("GET", `/v1/programs/${P}/clients/${c0}/plan?week=${isoWeek(s.day)}`), [
      a("adm_1", "plan.read", c0, `week:${isoWeek(s.day)}`),
    ]);
    const solo = {
      kind: "individual",
      startsAt: zoned(plusDays(s.day, 2), "10:00"),
      endsAt: zoned(plusDays(s.day, 2), "11:00"),
      clientIds: ["clt_solo"],
      facilitatorIds: ["fac_9"],
    };
    await w.step("createSession", run("POST", `/v1/programs/${P}/sessions`, { body: solo }), [
      a("adm_1", "session.create", /^ses_/, "individual"),
    ]);
    const I = body.id as string;
    await w.step(
      "listSessions",
      run("GET", `/v1/programs/${P}/sessions?from=${zoned(s.day, "00:00")}&to=${zoned(plusDays(s.day, 3), "00:00")}`),
      [a("adm_1", "session.read", P, /^list:\d+$/)],
    );
    await w.step("getSession", run("GET", `/v1/sessions/${I}`), [a("adm_1", "session.read", I, "scheduled")]);
    const moved = { startsAt: zoned(plusDays(s.day, 2), "12:00"), endsAt: zoned(plusDays(s.day, 2), "13:00") };
    await w.step("moveSession", run("PATCH", `/v1/sessions/${I}`, { body: moved }), [
      a("adm_1", "session.move", I, "v2"),
    ]);
    // A refused change is on the trail too, with its reason: fac_1 does not lead this session.
    await w.step(
      "moveSession",
      run("PATCH", `/v1/sessions/${I}`, { body: moved, token: s.facilitator }),
      [a("fac_1", "session.move", I, "refused:forbidden")],
      403,
    );
    await w.step("cancelSession", run("POST", `/v1/sessions/${I}/cancel`), [a("adm_1", "session.cancel", I, "v3")]);
    const enroll = { clientId: "clt_new", trackId: T, startsOn: plusDays(s.day, 1) };
    await w.step("createEnrollment", run("POST", `/v1/programs/${P}/enrollments`, { body: enroll }), [
      a("adm_1", "enrollment.create", /^enr_/, `active:${T}`),
    ]);
    const E = body.id as string;
    await w.step("listEnrollments", run("GET", `/v1/programs/${P}/enrollments`), [
      a("adm_1", "enrollment.read", P, /^list:\d+$/),
    ]);
    await w.step("getEnrollment", run("GET", `/v1/enrollments/${E}`), [a("adm_1", "enrollment.read", E, "active")]);
    await w.step("updateEnrollment", run("PATCH", `/v1/enrollments/${E}`, { body: { status: "stepped-down" } }), [
      a("adm_1", "enrollment.step-down", E, `stepped-down:${T}`),
    ]);
    await w.step("setEnrollmentEmail", run("PUT", `/v1/enrollments/${E}/email`, { body: { email: "x@example.org" } }), [
      a("adm_1", "enrollment.email", E, "hashed"),
    ]);
    await w.step("createInvite", run("POST", `/v1/enrollments/${E}/invite`), [a("adm_1", "invite.create", E, "ok")]);
    const code = body.code as string;
    await w.step("exchangeInvite", run("POST", "/v1/invites/exchange", { token: undefined, body: { code } }), [
      a("clt_new", "invite.exchange", E, "redeemed"),
    ]);
    await w.step("revokeInvites", run("DELETE", `/v1/enrollments/${E}/invite`), [
      a("adm_1", "invite.revoke", E, /^revoked:\d+$/),
    ]);
    await w.step("replaceCalendarIntegration", run("PUT", `/v1/programs/${P}/integrations/calendar`, { body: {} }), [
      a("adm_1", "integration.update", P, "calendar"),
    ]);
    const feedBody = { subject: { type: "track", id: T } };
    await w.step("createCalendarFeed", run("POST", `/v1/programs/${P}/calendar-feeds`, { body: feedBody }), [
      a("adm_1", "feed.create", /^cal_/, "track"),
    ]);
    const feed = body as unknown as { feedId: string; url: string };
    await w.step("readCalendarFeed", run("GET", new URL(feed.url).pathname, { token: undefined }), [
      a(feed.feedId, "feed.read", T, "track"),
    ]);
    await w.step("revokeCalendarFeed", run("DELETE", `/v1/calendar-feeds/${feed.feedId}`), [
      a("adm_1", "feed.revoke", feed.feedId, "ok"),
    ]);
    const dev = { DEV_SIGN_IN: "on" };
    const signIn = { staffId: "fac_2", role: "facilitator" };
    await w.step("createSignInCode", run("POST", `/v1/programs/${P}/sign-in-codes`, { body: signIn, env: dev }), [
      a("adm_1", "signin.create", /^sgn_/, "facilitator"),
    ]);
    const signInCode = body.code as string;
    await w.step(
      "exchangeSignInCode",
      run("POST", "/v1/sign-in-codes/exchange", { token: undefined, body: { code: signInCode }, env: dev }),
      [a("fac_2", "signin.exchange", /^sgn_/, "redeemed")],
    );

    // The room, with manual admission: every decision names the session, and the participant where there is one.
    const fac = { token: s.facilitator };
    const client = async (id: string) => ({ token: await s.clientToken(id) });
    await w.step("openRoom", run("POST", `/v1/sessions/${S}/open`, fac), [a("fac_1", "room.open", S, "ok")]);
    await w.step("joinSession", run("POST", `/v1/sessions/${S}/join`, await client(c0)), [
      a(c0, "room.join", c0, "waiting", S),
    ]);
    await w.step("admitParticipant", run("POST", `/v1/sessions/${S}/participants/${c0}/admit`, fac), [
      a("fac_1", "room.admit", c0, "ok", S),
    ]);
    await w.step("joinSession", run("POST", `/v1/sessions/${S}/join`, await client(c0)), [
      a(c0, "room.join", c0, "admitted", S),
      a(c0, "token.issue", c0, /^client:[0-9a-f-]{36}$/, S),
    ]);
    await w.step("connectLiveChannel", async () => {
      const { ws } = await connect(s, s.facilitator);
      ws.close();
      return { status: 200 };
    }, [a("fac_1", "live.connect", S, "ok")]);
    await w.step("getSessionRoster", run("GET", `/v1/sessions/${S}/attendance`, fac), [
      a("fac_1", "attendance.read", S, "live"),
    ]);
    const excuse = { status: "excused", reasonCode: "illness" };
    await w.step("correctAttendance", run("PATCH", `/v1/sessions/${S}/attendance/${c1}`, { ...fac, body: excuse }), [
      a("fac_1", "attendance.correct", c1, "excuse-noted", S),
    ]);
    await w.step("removeParticipant", run("DELETE", `/v1/sessions/${S}/participants/${c0}`, fac), [
      a("fac_1", "room.remove", c0, "ok", S),
      a("fac_1", "token.revoke", c0, "room.remove", S),
    ]);
    // A room's refusal too: the removed client is not waiting, so cannot be admitted.
    await w.step(
      "admitParticipant",
      run("POST", `/v1/sessions/${S}/participants/${c0}/admit`, fac),
      [a("fac_1", "room.admit", c0, "refused:not-waiting", S)],
      409,
    );
    await w.step("readmitParticipant", run("POST", `/v1/sessions/${S}/participants/${c0}/readmit`, fac), [
      a("fac_1", "room.readmit", c0, "ok", S),
    ]);
    await s.call("POST", `/v1/sessions/${S}/join`, await client(c1));
    await w.step("leaveSession", run("POST", `/v1/sessions/${S}/leave`, await client(c1)), [
      a(c1, "room.leave", c1, "ok", S),
      a(c1, "token.revoke", c1, "room.leave", S),
    ]);
    await w.step("closeRoom", run("POST", `/v1/sessions/${S}/close`, fac), [
      a("fac_1", "room.close", S, "ok"),
      a("fac_1", "token.revoke", S, "room.close"),
    ]);

    // Names: set and cleared by staff, read in bulk for the console; never in the entries themselves.
    await w.step(
      "setDisplayName",
      run("PUT", `/v1/programs/${P}/people/${c0}/display-name`, { body: { displayName: "Sam Rivera" } }),
      [a("adm_1", "person.name", c0, "staff")],
    );
    await w.step("listDisplayNames", run("GET", `/v1/programs/${P}/people?ids=${c0},${c1}`), [
      a("adm_1", "people.read", P, "names:1"),
    ]);
    await w.step("clearDisplayName", run("DELETE", `/v1/programs/${P}/people/${c0}/display-name`), [
      a("adm_1", "person.name-clear", c0, "staff"),
    ]);

    // Calendar secrets through the API: the entry names the source and fingerprint, never the secret.
    await w.step(
      "addIntegrationSecret",
      run("POST", `/v1/programs/${P}/integrations/calendar/secrets`, { body: { source: "standard" } }),
      [a("adm_1", "integration.secret.add", /^sec_/, /^standard:[0-9a-f]{12}$/)],
    );
    const secretId = body.id as string;
    await w.step("listIntegrationSecrets", run("GET", `/v1/programs/${P}/integrations/calendar/secrets`), [
      a("adm_1", "integration.secret.list", P, "ok"),
    ]);
    await w.step(
      "revokeIntegrationSecret",
      run("DELETE", `/v1/programs/${P}/integrations/calendar/secrets/${secretId}`),
      [a("adm_1", "integration.secret.revoke", secretId, "ok")],
    );

    // Outbound event endpoints: every admin change and read (a delivery log names opaque ids only).
    await w.step(
      "createEventEndpoint",
      run("POST", `/v1/programs/${P}/event-endpoints`, {
        body: { url: "https://ehr.example.org/hooks", events: ["session.moved", "attendance.finalized"] },
      }),
      [a("adm_1", "events.endpoint-create", /^evp_/, "events:2")],
      201,
    );
    const endpointId = body.id as string;
    const EP = `/v1/programs/${P}/event-endpoints/${endpointId}`;
    await w.step("listEventEndpoints", run("GET", `/v1/programs/${P}/event-endpoints`), [
      a("adm_1", "events.endpoint-list", P, "ok"),
    ]);
    await w.step("getEventEndpoint", run("GET", EP), [a("adm_1", "events.endpoint-read", endpointId, "ok")]);
    await w.step("updateEventEndpoint", run("PATCH", EP, { body: { status: "disabled" } }), [
      a("adm_1", "events.endpoint-update", endpointId, "status"),
    ]);
    await w.step("updateEventEndpoint", run("PATCH", EP, { body: { status: "enabled" } }), [
      a("adm_1", "events.endpoint-update", endpointId, "status"),
    ]);
    await w.step("rotateEventEndpointSecret", run("POST", `${EP}/secret`, { body: {} }), [
      a("adm_1", "events.secret-rotate", endpointId, /^[0-9a-f]{12}$/),
    ]);
    await w.step("retryEventDeliveries", run("POST", `${EP}/retry`), [
      a("adm_1", "events.retry", endpointId, "requeued:0"),
    ]);
    await w.step("listEventDeliveries", run("GET", `${EP}/deliveries`), [
      a("adm_1", "events.deliveries-read", endpointId, "ok"),
    ]);
    await w.step("deleteEventEndpoint", run("DELETE", EP), [a("adm_1", "events.endpoint-delete", endpointId, "ok")]);

    // Reports, exports and the trail itself.
    const week = isoWeek(s.day);
    await w.step("getClientWeek", run("GET", `/v1/programs/${P}/clients/${c0}/attendance?week=${week}`), [
      a("adm_1", "attendance.read", c0, `week:${week}`),
    ]);
    const range = `from=${s.day}&to=${s.day}`;
    await w.step("getAttendanceLedger", run("GET", `/v1/programs/${P}/attendance?${range}`), [
      a("adm_1", "attendance.export", P, /^json:\d+$/),
    ]);
    await w.step(
      "getAttendanceLedger",
      () => s.call("GET", `/v1/programs/${P}/attendance?${range}`, { token: s.admin, headers: { accept: "text/csv" } }),
      [a("adm_1", "attendance.export", P, /^csv:\d+$/)],
    );
    await w.step("listAtRiskClients", run("GET", `/v1/programs/${P}/attendance/at-risk?week=${week}`), [
      a("adm_1", "attendance.read", P, `at-risk:${week}`),
    ]);
    await w.step("getAuditTrail", run("GET", `/v1/programs/${P}/audit`), [
      a("adm_1", "audit.read", P, "after:0:valid"),
    ]);
    await w.step("endTrack", run("POST", `/v1/tracks/${T}/end`), [a("adm_1", "track.end", T, "ok")]);
    await w.step("updateEnrollment", run("PATCH", `/v1/enrollments/${E}`, { body: { status: "discharged" } }), [
      a("adm_1", "enrollment.discharge", E, `discharged:${T}`),
    ]);

    // A new program's first entry is its creation, in its own trail.
    const created = await s.call("POST", "/v1/programs", {
      token: s.admin,
      body: { name: "Second", timezone: "America/Chicago" },
    });
    const first = await entriesAfter(created.body.id, 0);
    expect(first.map((e) => [e.actor, e.action, e.object, e.outcome])).toEqual([
      ["adm_1", "program.create", created.body.id, "ok"],
    ]);
    walked.add("createProgram");
    for (const id of w.walked) walked.add(id);
  });

  it("LiveKit's token endpoint is the join: the same entries, in the room's step", async () => {
    const s = await groupSession({ clients: 1, settings: { videoProvider: "livekit" } });
    await s.open();
    s.clock.set(s.at(-5));
    const c0 = s.clients[0] as string;
    const w = walker(s.programId, s.sessionId);
    const token = await s.clientToken(c0);
    await w.step(
      "livekitTokenEndpoint",
      () =>
        s.call("POST", `/v1/sessions/${s.sessionId}/livekit-token`, {
          token,
          env: { LIVEKIT_URL: "https://lk.example" } as Partial<Env>,
        }),
      [
        { actor: c0, action: "room.join", object: c0, outcome: "admitted", session: s.sessionId },
        { actor: c0, action: "token.issue", object: c0, outcome: /^client:[0-9a-f-]{36}$/, session: s.sessionId },
      ],
    );
    for (const id of w.walked) walked.add(id);
  });

  it("a LiveKit webhook and a calendar delivery: the sender is the actor", async () => {
    const s = await groupSession({ clients: 1, settings: { videoProvider: "livekit" } });
    const room = await roomName(s.sessionId, env.ROOM_SECRET);
    const w = walker(s.programId);
    const payload = JSON.stringify({
      id: "EV_walk",
      event: "participant_joined",
      createdAt: String(Math.floor(Date.parse(s.at(0)) / 1000)),
      room: { sid: "RM_x", name: room },
      participant: { sid: "PA_x", identity: s.clients[0], name: "" },
    });
    await w.step("receiveLivekitWebhook", async () => {
      s.clock.set(Date.now()); // LiveKit signs with its real clock
      const authorization = await livekitAuthorization(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET, payload);
      return s.call("POST", `/v1/webhooks/video/${s.programId}/livekit`, {
        raw: payload,
        headers: { "content-type": "application/webhook+json", authorization },
      });
    }, [{ actor: "livekit", action: "webhook.livekit", object: s.programId, outcome: /^accepted:\d+$/ }]);

    // Daily and RealtimeKit, signed as each documents (test/ledger/platform-webhooks.test.ts has the details).
    const dailySecret = btoa("a Daily webhook secret, 32 bytes");
    const dailyBody = JSON.stringify({
      version: "1.0.0",
      type: "participant.joined",
      id: "ev-walk",
      payload: { room, user_id: s.clients[0], session_id: crypto.randomUUID(), joined_at: Date.parse(s.at(0)) / 1000 },
    });
    await w.step("receiveDailyWebhook", async () => {
      s.clock.set(Date.now());
      const seconds = Math.floor(Date.now() / 1000);
      const raw = Uint8Array.from(atob(dailySecret), (ch) => ch.charCodeAt(0));
      const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${seconds}.${dailyBody}`));
      return s.call("POST", `/v1/webhooks/video/${s.programId}/daily`, {
        raw: dailyBody,
        headers: {
          "content-type": "application/json",
          "x-webhook-timestamp": String(seconds),
          "x-webhook-signature": btoa(String.fromCharCode(...new Uint8Array(mac))),
        },
        env: {
          DAILY_DOMAIN: "c",
          DAILY_DOMAIN_ID: "d",
          DAILY_API_KEY: "k",
          DAILY_WEBHOOK_SECRET: dailySecret,
        } as Partial<Env>,
      });
    }, [{ actor: "daily", action: "webhook.daily", object: s.programId, outcome: /^accepted:\d+$/ }]);
    const pair = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const spki = new Uint8Array((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer);
    const pem = `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...spki)).replace(/(.{64})/g, "$1\n")}\n-----END PUBLIC KEY-----`;
    const rtkBody = JSON.stringify({
      event: "meeting.participantJoined",
      meeting: { id: crypto.randomUUID(), sessionId: crypto.randomUUID(), title: room, status: "LIVE" },
      participant: { peerId: crypto.randomUUID(), customParticipantId: s.clients[0], joinedAt: s.at(0) },
    });
    await w.step("receiveRealtimeKitWebhook", async () => {
      const sig = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", pair.privateKey, new TextEncoder().encode(rtkBody));
      return s.call("POST", `/v1/webhooks/video/${s.programId}/realtimekit`, {
        raw: rtkBody,
        headers: {
          "content-type": "application/json",
          "rtk-signature": btoa(String.fromCharCode(...new Uint8Array(sig))),
        },
        env: {
          REALTIMEKIT_ACCOUNT_ID: "a",
          REALTIMEKIT_APP_ID: "b",
          REALTIMEKIT_API_TOKEN: "c",
          REALTIMEKIT_WEBHOOK_KEY: pem,
        } as Partial<Env>,
      });
    }, [{ actor: "realtimekit", action: "webhook.realtimekit", object: s.programId, outcome: /^accepted:\d+$/ }]);

    const p = await calendarProgram();
    const cw = walker(p.programId);
    const delivery = JSON.stringify({
      type: "session.upserted",
      timestamp: iso(p.clock.now()),
      data: { externalId: "ehr-walk", startsAt: on(0, "09:00"), endsAt: on(0, "12:00"), kind: "group", version: 1 },
    });
    await cw.step(
      "receiveCalendarWebhook",
      () =>
        p.post(
          "standard",
          delivery,
          standardHeaders(SECRETS.standard, "msg_walk", Math.floor(p.clock.now() / 1000), delivery),
        ),
      [{ actor: "calendar:standard", action: "session.sync", object: /^ses_/, outcome: "created:v1" }],
    );
    for (const id of [...w.walked, ...cw.walked]) walked.add(id);
  });

  it("walked every route of the OpenAPI document, or says why not", () => {
    expect(operations.size).toBeGreaterThan(40);
    const missing = [...operations].filter((id) => !walked.has(id) && !(id in EXEMPT));
    expect(missing).toEqual([]);
    expect(Object.keys(EXEMPT).filter((id) => !operations.has(id))).toEqual([]);
  });
});
