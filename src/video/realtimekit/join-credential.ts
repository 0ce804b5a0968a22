import type { WorkerConfig } from "../../../schemas/config.ts";
import { log } from "../../lib/log.ts";
import type { MintRequest } from "../mint-request.ts";
import type { AccountBudget } from "./account-budget.ts";
import { type RealtimeKitFetch, realtimeKitApi } from "./api.ts";
import { joinToken, type RtkRoomSide } from "./enrolment-runner.ts";

/** How long a client is told to wait when RealtimeKit's budget or API said wait (the join answers 503). */
export const REALTIMEKIT_RETRY_AFTER_SECONDS = 10;

/**
 * The participant token for an admitted join (the room already decided the seat): the room's stored
 * token while it stays valid five more minutes (pre-enrolment put it there, room-enrolment.ts), else
 * one refresh, else the occurrence's meeting if needed and one Add Participant with the role's preset;
 * every call taken from the account's budget first, every answer stored in the room. `null` when the
 * budget or RealtimeKit said wait: the join answers 503 and the seat stays (the next join is a rejoin).
 */
export async function realtimeKitToken(
  room: RtkRoomSide,
  config: NonNullable<WorkerConfig["realtimekit"]>,
  budget: AccountBudget,
  req: MintRequest,
  fetchFn: RealtimeKitFetch = (url, init) => fetch(url, init),
): Promise<string | null> {
  const now = () => req.now * 1000;
  const api = realtimeKitApi({ ...config, baseUrl: config.apiUrl, fetch: fetchFn, now: () => req.now });
  const side: RtkRoomSide = { realtimeKit: (id, change) => room.realtimeKit(id, change) };
  const token = await joinToken({ api, budget, room: side, now, name: () => req.callName }, req);
  if (!token) log("warn", "realtimekit.join.failed", { role: req.grant.role });
  return token;
}
