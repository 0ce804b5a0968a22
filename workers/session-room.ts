import { DurableObject } from "cloudflare:workers";
import type { LiveMessage } from "../schemas/live.ts";
import { isoInstant } from "../src/lib/clock.ts";
import { decideJoin, type JoinRole, joinBounds, seatOrFull } from "../src/rooms/admission.ts";
import type { ActionOutcome, JoinOutcome, RoomBinding, TokenState } from "../src/rooms/binding.ts";
import { ROOM_MIGRATIONS, RoomStore } from "../src/rooms/room-store.ts";
import { migrate } from "../src/storage/migrations.ts";
import { tokenValidity } from "../src/tokens/window.ts";

const S = 1000;

/**
 * One per session occurrence: room state, waiting room, seats, issued and revoked token ids, live
 * presence, the live channel. Every method checks and writes synchronously (no outside await), so
 * under any concurrency no client ever gets a seat beyond the cap.
 */
export class SessionRoom extends DurableObject<Env> {
  private readonly store: RoomStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new RoomStore(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => migrate(ctx.storage.sql, "room", ROOM_MIGRATIONS));
  }

  /** Ask for a place: admitted with a token id, waiting, or refused with the reason. */
  async join(
    binding: RoomBinding,
    who: { id: string; role: JoinRole },
    now: number,
    ttlSeconds: number,
  ): Promise<JoinOutcome> {
    await this.bind(binding, now);
    const { session, settings } = binding;
    const current = this.store.participant(who.id);
    const decision = decideJoin({
      now,
      role: who.role,
      session,
      settings,
      roomState: this.store.roomState(),
      current: current?.status ?? null,
      seated: this.store.seated(),
    });
    switch (decision.kind) {
      case "cancelled":
      case "removed":
      case "ended":
      case "too-late":
        return { status: decision.kind };
      case "too-early":
        return { status: "too-early", opensAt: decision.opensAt };
      case "full":
        return { status: "full", cap: decision.cap };
      case "wait":
        if (current?.status !== "waiting") {
          this.store.upsertParticipant(who.id, who.role, "waiting", false, now);
          this.broadcast({ type: "waiting", participantId: who.id, at: isoInstant(now) });
        }
        return { status: "waiting", participantId: who.id };
      case "admit":
        this.store.upsertParticipant(who.id, who.role, "admitted", decision.takesSeat, now);
        break;
      case "rejoin":
        break;
    }
    const validity = tokenValidity({
      now: Math.floor(now / S),
      startsAt: Date.parse(session.startsAt) / S,
      endsAt: Date.parse(session.endsAt) / S,
      joinWindowMinutes: settings.joinWindowMinutes,
      graceMinutes: settings.graceMinutes,
      ttlSeconds,
    });
    if (!validity.ok) return { status: validity.reason === "too-early" ? "too-late" : "ended" };
    const jti = crypto.randomUUID();
    this.store.addToken(jti, who.id, session.version, validity.exp);
    if (!this.store.connected(who.id)) {
      this.store.addPresence(`join:${jti}`, who.id, "connect", now, "join");
      this.broadcast({ type: "arrived", participantId: who.id, role: who.role, at: isoInstant(now) });
    }
    return {
      status: "admitted",
      participantId: who.id,
      jti,
      nbf: validity.nbf,
      exp: validity.exp,
      version: session.version,
    };
  }

  /** End the caller's presence and free their seat; their tokens stop working. */
  async leave(binding: RoomBinding, participantId: string, now: number): Promise<ActionOutcome> {
    await this.bind(binding, now);
    const p = this.store.participant(participantId);
    if (!p || (p.status !== "admitted" && p.status !== "waiting")) return { ok: false, reason: "not-found" };
    this.store.upsertParticipant(participantId, p.role, "left", false, now);
    this.store.revokeTokens(participantId);
    this.disconnect(participantId, now, "leave");
    return { ok: true };
  }

  /** Open the room; under automatic admission, waiting clients are seated in arrival order up to the cap. */
  async open(binding: RoomBinding, now: number): Promise<ActionOutcome> {
    await this.bind(binding, now);
    const state = this.store.roomState();
    if (state === "cancelled" || state === "closed" || now >= joinBounds(binding.session, binding.settings).closesAt) {
      return { ok: false, reason: "ended" };
    }
    this.store.setMeta("state", "open");
    this.broadcast({ type: "room", state: "open" });
    if (binding.settings.admissionPolicy === "auto") {
      for (const w of this.store.waiting()) {
        if (seatOrFull(binding.session.cap, this.store.seated()).kind !== "admit") break;
        this.seat(w.id, w.role, now);
      }
    }
    return { ok: true };
  }

  /** Close the room for good: every presence ends and every token is revoked. */
  async close(binding: RoomBinding, now: number): Promise<ActionOutcome> {
    await this.bind(binding, now);
    if (this.store.roomState() === "cancelled") return { ok: false, reason: "ended" };
    this.endAll(now, "close");
    this.store.setMeta("state", "closed");
    this.broadcast({ type: "room", state: "closed" });
    return { ok: true };
  }

  /** Admit a waiting participant into a free seat. */
  async admit(binding: RoomBinding, participantId: string, now: number): Promise<ActionOutcome> {
    await this.bind(binding, now);
    const state = this.store.roomState();
    if (state === "closed" || state === "cancelled") return { ok: false, reason: "ended" };
    const p = this.store.participant(participantId);
    if (!p) return { ok: false, reason: "not-found" };
    if (p.status !== "waiting") return { ok: false, reason: "not-waiting" };
    const seat = seatOrFull(binding.session.cap, this.store.seated());
    if (seat.kind === "full") return { ok: false, reason: "full", cap: seat.cap };
    this.seat(p.id, p.role, now);
    return { ok: true };
  }

  /** Remove a participant: seat freed, tokens revoked, and no new join for this occurrence. */
  async remove(binding: RoomBinding, participantId: string, now: number): Promise<ActionOutcome> {
    await this.bind(binding, now);
    const p = this.store.participant(participantId);
    this.store.upsertParticipant(participantId, p?.role ?? "client", "removed", false, now);
    this.store.revokeTokens(participantId);
    this.disconnect(participantId, now, "remove");
    this.broadcast({ type: "removed", participantId });
    return { ok: true };
  }

  /** Whether a token id is still good: issued here, not revoked, not expired, for the current version. */
  introspect(jti: string, now: number): TokenState {
    const t = this.store.token(jti);
    const binding = this.store.getMeta<RoomBinding>("binding");
    if (!t || !binding || t.revoked || t.exp * S <= now) return { active: false };
    if (binding.session.status === "cancelled" || t.version !== binding.session.version) return { active: false };
    if (this.store.roomState() === "closed") return { active: false };
    return { active: true, participantId: t.participant_id, exp: t.exp, version: t.version };
  }

  /** Participants and their presence facts, for rosters and attendance. */
  snapshot() {
    return {
      roomState: this.store.roomState(),
      participants: this.store.participants(),
      presence: this.store.presence(),
      binding: this.store.getMeta<RoomBinding>("binding"),
    };
  }

  /**
   * Take the directory's latest view of the occurrence. A newer version (moved or cancelled)
   * revokes every outstanding token and tells everyone connected.
   */
  async bind(binding: RoomBinding, now: number): Promise<void> {
    const known = this.store.getMeta<RoomBinding>("binding");
    if (known && known.session.version > binding.session.version) return;
    this.store.setMeta("binding", binding);
    if (known && known.session.version < binding.session.version) {
      this.store.revokeTokens();
      if (binding.session.status === "cancelled") {
        this.endAll(now, "cancel");
        this.store.setMeta("state", "cancelled");
        this.broadcast({ type: "room", state: "cancelled" });
      } else {
        this.broadcast({ type: "moved", startsAt: binding.session.startsAt, endsAt: binding.session.endsAt });
      }
    } else if (!known && binding.session.status === "cancelled") {
      this.store.setMeta("state", "cancelled");
    }
    const closesAt = joinBounds(binding.session, binding.settings).closesAt;
    if ((await this.ctx.storage.getAlarm()) !== closesAt) await this.ctx.storage.setAlarm(closesAt);
  }

  /** End of session + grace: every open presence ends. Safe to run twice. */
  override async alarm(): Promise<void> {
    const binding = this.store.getMeta<RoomBinding>("binding");
    if (!binding) return;
    const closesAt = joinBounds(binding.session, binding.settings).closesAt;
    const now = Date.now();
    if (now < closesAt) {
      await this.ctx.storage.setAlarm(closesAt);
      return;
    }
    this.endAll(closesAt, "end");
    if (this.store.roomState() !== "cancelled") this.store.setMeta("state", "closed");
  }

  /** The live channel: the Worker has authenticated the caller and passes their id and role in headers. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket") return new Response("expected a WebSocket", { status: 426 });
    const participantId = request.headers.get("x-participant-id") ?? "";
    const audience = request.headers.get("x-audience") === "staff" ? "staff" : "participant";
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, [audience, `p:${participantId}`]);
    const p = this.store.participant(participantId);
    const hello: LiveMessage = {
      type: "hello",
      participantId,
      status: p?.status ?? "none",
      roomState: this.store.roomState(),
    };
    server.send(JSON.stringify(hello));
    return new Response(null, { status: 101, webSocket: client, headers: { "sec-websocket-protocol": "iop.v1" } });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (message === "ping") ws.send("pong");
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    ws.close(code === 1005 ? 1000 : code, "bye");
  }

  private seat(id: string, role: JoinRole, now: number): void {
    this.store.upsertParticipant(id, role, "admitted", role === "client" || role === "family", now);
    this.broadcast({ type: "admitted", participantId: id });
  }

  private disconnect(participantId: string, now: number, source: string): void {
    if (!this.store.connected(participantId)) return;
    this.store.addPresence(`${source}:${participantId}:${now}`, participantId, "disconnect", now, source);
    this.broadcast({ type: "left", participantId, at: isoInstant(now) });
  }

  private endAll(now: number, source: string): void {
    for (const p of this.store.participants()) this.disconnect(p.id, now, source);
    this.store.revokeTokens();
  }

  /**
   * Room-wide news (state, move) reaches everyone; news about one participant reaches staff and
   * that participant only, since who attends a group is itself protected (42 CFR Part 2).
   */
  private broadcast(message: LiveMessage): void {
    const text = JSON.stringify(message);
    const targets = new Set(this.ctx.getWebSockets("staff"));
    if ("participantId" in message)
      for (const ws of this.ctx.getWebSockets(`p:${message.participantId}`)) targets.add(ws);
    else for (const ws of this.ctx.getWebSockets("participant")) targets.add(ws);
    for (const ws of targets) {
      try {
        ws.send(text);
      } catch {
        // A socket closing under us is not an error for the room.
      }
    }
  }
}
