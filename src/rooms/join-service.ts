import type { Principal } from "../../schemas/auth.ts";
import type { Clock } from "../lib/clock.ts";
import { issueProviderToken, type ProviderDeps } from "../tokens/provider.ts";
import { roomName } from "../tokens/window.ts";
import type { JoinRole } from "./admission.ts";
import type { JoinOutcome, RoomBinding } from "./binding.ts";

export type JoinAnswer =
  | {
      status: "admitted";
      token: string;
      expiresAt: string;
      provider: "native" | "livekit";
      room: string;
      joinUrl?: string;
    }
  | { status: "waiting" }
  | Exclude<JoinOutcome, { status: "admitted" } | { status: "waiting" }>
  | { status: "provider-not-configured" };

/** Configuration the join path needs beyond the room's decision. */
export interface JoinDeps {
  rooms: Env["ROOMS"];
  clock: Clock;
  roomSecret: string;
  provider: () => Promise<Omit<ProviderDeps, "now" | "joinUrlTemplate">>;
}

/** Ask the session's room for a place and, when admitted, mint the program's provider token. */
export async function joinRoom(
  deps: JoinDeps,
  binding: RoomBinding,
  who: Principal,
  role: JoinRole,
): Promise<JoinAnswer> {
  const now = deps.clock.now();
  const room = deps.rooms.getByName(binding.session.id);
  const outcome = await room.join(binding, { id: who.sub, role }, now);
  if (outcome.status !== "admitted") return outcome.status === "waiting" ? { status: "waiting" } : outcome;
  const name = await roomName(binding.session.id, deps.roomSecret);
  const provider = await deps.provider();
  const minted = await issueProviderToken(
    binding.settings.videoProvider,
    { ...provider, now: Math.floor(now / 1000), joinUrlTemplate: binding.settings.joinUrlTemplate ?? undefined },
    { sub: who.sub, sid: binding.session.id, room: name, role, nbf: outcome.nbf, exp: outcome.exp, jti: outcome.jti },
  );
  if (!minted.ok) return { status: "provider-not-configured" };
  return {
    status: "admitted",
    token: minted.token,
    expiresAt: minted.expiresAt,
    provider: minted.provider,
    room: name,
    ...(minted.joinUrl ? { joinUrl: minted.joinUrl } : {}),
  };
}
