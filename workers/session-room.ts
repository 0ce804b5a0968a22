import { DurableObject } from "cloudflare:workers";
import type { AttendanceCorrection, AttendanceRecord, SessionRoster } from "../schemas/attendance.ts";
import type { AuditCall } from "../schemas/audit.ts";
import { workerConfig } from "../src/config/worker-config.ts";
import { problemResponse } from "../src/http/problem.ts";
import { setLogLevel } from "../src/lib/log.ts";
import { joinBounds } from "../src/rooms/admission.ts";
import type { ActionOutcome, ProviderFact, RoomBinding, TokenState } from "../src/rooms/binding.ts";
import { helloFor } from "../src/rooms/live-channel.ts";
import { migrateRoom, openRoom, type RoomModules } from "../src/rooms/open-room.ts";
import { ROOM_SYSTEM as SYSTEM } from "../src/rooms/room-audit.ts";
import { bindRoom } from "../src/rooms/room-bind.ts";
import { type EntryDeps, type EntryRequest, type EntryResult, enter, entryDeps } from "../src/rooms/room-entry.ts";
import { configuredPlatform, tellPlatform, type VideoPlatform } from "../src/rooms/room-platform.ts";
import type { RtkChange, RtkView } from "../src/video/realtimekit/enrolment-runner.ts";

/**
 * One per session occurrence: room state, waiting room, seats, issued and revoked token ids, live
 * presence, the live channel. Every method checks and writes synchronously (no outside await), so
 * under any concurrency no client ever gets a seat beyond the cap.
 */
export class SessionRoom extends DurableObject<Env> {
  readonly #r: RoomModules;
  readonly #entry: EntryDeps;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    setLogLevel(workerConfig(env).logLevel);
    this.#r = openRoom(ctx, env, { kv: () => this.kv(), platform: () => this.videoPlatform() });
    this.#entry = entryDeps(env, this.#r, (b, now) => this.bind(b, now));
    ctx.blockConcurrencyWhile(async () => migrateRoom(ctx.storage.sql));
  }

  /** The gateway's join, one call: the directory's ticket (or the room's pass), then the seat (room-entry.ts). */
  enter(request: EntryRequest): Promise<EntryResult> {
    return enter(this.#entry, request);
  }

  /** End the caller's presence and free their seat; their tokens stop working. */
  async leave(binding: RoomBinding, participantId: string, now: number, by = SYSTEM): Promise<ActionOutcome> {
    await this.bind(binding, now);
    const outcome = this.#r.seats.leave(participantId, now);
    return this.#r.audit.settle(binding, by, { action: "room.leave", participant: participantId }, outcome, now);
  }

  /** Open the room; under automatic admission, waiting clients are seated in arrival order up to the cap. */
  async open(binding: RoomBinding, now: number, by = SYSTEM): Promise<ActionOutcome> {
    await this.bind(binding, now);
    const admitted: string[] = [];
    const outcome = this.#r.seats.open(binding, now, admitted);
    // The opening first, then the admissions it caused (automatic admission: the system's).
    const said = admitted.map((participant) => ({ action: "room.admit", participant, outcome: "auto" }));
    return this.#r.audit.settle(binding, by, { action: "room.open", followedBy: { by: SYSTEM, said } }, outcome, now);
  }

  /** Close the room for good: presences end, tokens are revoked, every expected client's record is written. */
  async close(binding: RoomBinding, now: number, expected: string[], by = SYSTEM): Promise<ActionOutcome> {
    await this.bind(binding, now);
    if (this.#r.store.roomState() === "cancelled")
      return this.#r.audit.settle(binding, by, { action: "room.close" }, { ok: false, reason: "ended" }, now);
    this.#end(binding, expected, Math.min(now, joinBounds(binding.session, binding.settings).closesAt), now, "close");
    await this.#r.upkeep.deliver(now);
    return this.#r.audit.settle(binding, by, { action: "room.close" }, { ok: true }, now);
  }

  /** The roster: live while the session runs, final (and equal to the KV records) once it ended. */
  roster(binding: RoomBinding, expected: string[], now: number, by = SYSTEM): SessionRoster {
    const roster = this.#r.attendance.roster(binding, expected, now);
    // Who attended is patient data (42 CFR Part 2): the read is recorded in the step that answers it.
    this.#r.audit.record(binding, by, [{ action: "attendance.read", outcome: roster.final ? "final" : "live" }], now);
    this.ctx.waitUntil(this.#r.audit.forward(binding.programId));
    return roster;
  }

  /** The attendance records written at the end (the authoritative copy of what KV holds). */
  records(): AttendanceRecord[] {
    return this.#r.ledger.records();
  }

  /**
   * A staff correction. Before the end only an excuse can be recorded; afterwards the record gets
   * a new version that keeps the original values and who changed them, and goes to KV again.
   */
  async correct(
    binding: RoomBinding,
    clientId: string,
    change: AttendanceCorrection,
    by: AuditCall,
    now: number,
  ): Promise<{ ok: true; record: AttendanceRecord | null } | { ok: false; reason: string }> {
    await this.bind(binding, now);
    const result = this.#r.attendance.correct(clientId, change, by.actor, now);
    const kept = result.ok && result.record ? `v${result.record.version}` : "excuse-noted";
    const outcome = result.ok ? kept : `refused:${result.reason}`;
    this.#r.audit.record(binding, by, [{ action: "attendance.correct", participant: clientId, outcome }], now);
    if (result.ok && result.record) await this.#r.upkeep.deliver(now);
    await this.#r.audit.forward(binding.programId);
    return result;
  }

  /** What the video platform reported; a late fact amends the written records as new versions. */
  async providerPresence(binding: RoomBinding, fact: ProviderFact, now: number): Promise<boolean> {
    const outcome = this.#r.seats.providerPresence(fact, now);
    if (outcome === "amends" && this.#r.attendance.amend(binding, now) > 0) await this.#r.upkeep.deliver(now);
    return outcome !== "ignored";
  }

  /** Admit a waiting participant into a free seat. */
  async admit(binding: RoomBinding, participantId: string, now: number, by = SYSTEM): Promise<ActionOutcome> {
    await this.bind(binding, now);
    const outcome = this.#r.seats.admit(binding, participantId, now);
    return this.#r.audit.settle(binding, by, { action: "room.admit", participant: participantId }, outcome, now);
  }

  /** Remove a participant: seat freed, tokens revoked, and no new join for this occurrence. Staff of record stay. */
  async remove(binding: RoomBinding, participantId: string, now: number, by = SYSTEM): Promise<ActionOutcome> {
    await this.bind(binding, now);
    this.#r.passes.end(participantId);
    const outcome = this.#r.seats.remove(binding, participantId, now);
    if (outcome.ok) this.#tellPlatform(binding, "remove", participantId, now);
    return this.#r.audit.settle(binding, by, { action: "room.remove", participant: participantId }, outcome, now);
  }

  /** Let a removed participant back: they may join again (and wait again, under manual admission). */
  async readmit(binding: RoomBinding, participantId: string, now: number, by = SYSTEM): Promise<ActionOutcome> {
    await this.bind(binding, now);
    const outcome = this.#r.seats.readmit(participantId, now);
    return this.#r.audit.settle(binding, by, { action: "room.readmit", participant: participantId }, outcome, now);
  }

  /** The client's enrollment ended or moved: tokens stop, seat freed, page told, platform told. */
  async dismiss(binding: RoomBinding, participantId: string, now: number, by = SYSTEM): Promise<ActionOutcome> {
    await this.bind(binding, now);
    this.#r.passes.end(participantId);
    const outcome = this.#r.seats.dismiss(participantId, now);
    if (outcome.ok) this.#tellPlatform(binding, "remove", participantId, now);
    return this.#r.audit.settle(binding, by, { action: "room.dismiss", participant: participantId }, outcome, now);
  }

  /** Whether a token id is still good: issued here, not revoked, not expired, for the current version. */
  introspect(jti: string, now: number): TokenState {
    return this.#r.store.tokenState(jti, now);
  }

  /** Participants and their presence facts, for rosters and attendance. */
  snapshot() {
    return this.#r.store.snapshot();
  }

  /** Take the directory's latest view of the occurrence (src/rooms/room-bind.ts). */
  bind(binding: RoomBinding, now: number): Promise<void> {
    return bindRoom(this.#r, binding, now, () => this.#tellPlatform(binding, "delete", "", now));
  }

  /**
   * End of session + grace, an outbox retry, or a presence poll. At the end every open presence ends
   * and the records are written once (a second run finds nothing to do). An alarm fires at or after
   * its time, so that time (not a test's wall clock) is its "now".
   */
  override async alarm(): Promise<void> {
    const binding = this.#r.store.getMeta<RoomBinding>("binding");
    if (!binding) return;
    const now = Math.max(Date.now(), this.#r.store.getMeta<number>("alarmAt") ?? 0);
    const closesAt = joinBounds(binding.session, binding.settings).closesAt;
    if (now >= closesAt && this.#r.store.getMeta<number>("finalizedAt") === null) {
      if (this.#r.store.roomState() === "cancelled") {
        this.#r.seats.endAll(closesAt, "end");
        this.#r.store.setMeta("finalizedAt", closesAt);
      } else {
        const found = await this.env.PROGRAMS.getByName(binding.programId).roomLookup(binding.session.id);
        this.#end(binding, found?.expected ?? [], closesAt, now, "end");
      }
    }
    await this.#r.audit.forward(binding.programId);
    await this.#r.enrolment.run(binding, now);
    await this.#r.upkeep.callProvider();
    await this.#r.upkeep.poll(now);
    await this.#r.upkeep.deliver(now);
  }

  /** The session is over (a close, or the alarm at its end): presences end, the platform is told, records are written. */
  #end(binding: RoomBinding, expected: string[], endedAt: number, now: number, by: "close" | "end"): void {
    this.#r.seats.endAll(by === "close" ? now : endedAt, by);
    this.#r.store.setMeta("state", "closed");
    this.#r.live.broadcast({ type: "room", state: "closed" });
    this.#tellPlatform(binding, "delete", "", now);
    this.#r.attendance.finalize(binding, expected, endedAt, now);
  }

  /** Queue what the video platform must hear, in the same step as the action, then send it. */
  #tellPlatform(binding: RoomBinding, op: "remove" | "delete", identity: string, now: number): void {
    const queued = tellPlatform(this.#r.calls, this.#r.video(binding), op, identity, now);
    if (queued) this.#r.upkeep.callProviderSoon();
  }

  /** RealtimeKit's meeting and a participant's enrolment and token here; `change` records what its API answered. */
  realtimeKit(participantId: string, change?: RtkChange, now?: number): RtkView {
    return this.#r.rtk.realtimeKit(participantId, change, now);
  }

  /** Where the video platform's server API is; tests point it at a stand-in (test/rooms/livekit-removal). */
  protected videoPlatform(): VideoPlatform | null {
    return configuredPlatform(workerConfig(this.env));
  }

  /** The ledger's KV namespace; tests may wrap it to inject failures (see test/attendance). */
  protected kv(): Pick<KVNamespace, "put"> {
    return this.env.ATTENDANCE;
  }

  /** The live channel: the Worker has authenticated the caller and passes their id and role in headers. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket") {
      return problemResponse("upgrade-required", "Open this as a WebSocket.", {}, { upgrade: "websocket" });
    }
    const participantId = request.headers.get("x-participant-id") ?? "";
    const audience = request.headers.get("x-audience") === "staff" ? "staff" : "participant";
    return this.#r.live.accept(participantId, audience, helloFor(this.#r.store, participantId, audience === "staff"));
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (message === "ping") ws.send("pong");
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    ws.close(code === 1005 ? 1000 : code, "bye");
  }
}
