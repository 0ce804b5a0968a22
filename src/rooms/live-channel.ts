import type { LiveMessage } from "../../schemas/live.ts";
import type { RoomStore } from "./room-store.ts";

/** Who a socket belongs to: staff hear about everyone, a participant about themselves and the room. */
export type Audience = "staff" | "participant";

/**
 * A session's live channel on the Durable Object's hibernation API: sockets are tagged with their
 * audience and participant, so a message reaches exactly who may hear it, even after hibernation.
 */
export class LiveChannel {
  readonly #ctx: DurableObjectState;

  constructor(ctx: DurableObjectState) {
    this.#ctx = ctx;
  }

  /** Accept a socket for an authenticated caller and greet it with `hello`. */
  accept(participantId: string, audience: Audience, hello: LiveMessage): Response {
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.#ctx.acceptWebSocket(server, [audience, `p:${participantId}`]);
    server.send(JSON.stringify(hello));
    return new Response(null, { status: 101, webSocket: client, headers: { "sec-websocket-protocol": "iop.v1" } });
  }

  /**
   * Room-wide news (state, move) reaches everyone; news about one participant reaches staff and
   * that participant only, since who attends a group is itself protected (42 CFR Part 2).
   */
  broadcast(message: LiveMessage): void {
    const text = JSON.stringify(message);
    const targets = new Set(this.#ctx.getWebSockets("staff"));
    if ("participantId" in message)
      for (const ws of this.#ctx.getWebSockets(`p:${message.participantId}`)) targets.add(ws);
    else for (const ws of this.#ctx.getWebSockets("participant")) targets.add(ws);
    for (const ws of targets) {
      try {
        ws.send(text);
      } catch {
        // A socket closing under us is not an error for the room.
      }
    }
  }
}

/** The live channel's first message: the caller's place and the room's state; staff see everyone. */
export function helloFor(store: RoomStore, participantId: string, staff: boolean): LiveMessage {
  const p = store.participant(participantId);
  return {
    type: "hello",
    participantId,
    status: p?.status ?? "none",
    roomState: store.roomState(),
    ...(staff
      ? { participants: store.participants().map((x) => ({ participantId: x.id, role: x.role, status: x.status })) }
      : {}),
  };
}
