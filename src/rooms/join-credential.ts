import type { JoinRole } from "../../schemas/join-token.ts";
import { VideoProvider as VideoProviderSchema } from "../../schemas/program.ts";
import { fail, type Result } from "../directory/result.ts";
import { roomName } from "../tokens/window.ts";
import { issueProviderToken, type ProviderDeps, providerConfigured, type VideoProvider } from "../video/credential.ts";
import type { MintRequest } from "../video/mint-request.ts";
import { accountBudget } from "../video/realtimekit/account-budget.ts";
import type { RtkRoomSide } from "../video/realtimekit/enrolment-runner.ts";
import { REALTIMEKIT_RETRY_AFTER_SECONDS, realtimeKitToken } from "../video/realtimekit/join-credential.ts";
import type { MintFor } from "./room-entry.ts";
import type { RoomGatewayDeps } from "./room-gateway.ts";

/** What a join answers: a provider token, or a place in the waiting room. */
export type JoinAnswer =
  | {
      status: "admitted";
      token: string;
      expiresAt: string;
      provider: VideoProvider;
      room: string;
      joinUrl?: string;
      callName?: string;
    }
  | { status: "waiting" };

/** The seat the room gave: who, in which role, and the token id and window it decided. */
export interface Seat {
  sub: string;
  role: JoinRole;
  jti: string;
  nbf: number;
  exp: number;
}

/** Turns the room's seat into what the platform accepts, or the 503 the client retries. */
export type Mint = (
  mintFor: MintFor,
  seat: Seat,
  displayName: string | null | undefined,
  now: number,
) => Promise<Result<{ answer: JoinAnswer }>>;

/**
 * The join's last step, the video platform's credential, in two halves around the room's decision.
 * Before it: the platforms this deployment can mint for at all (`mintable`; the room refuses with 503
 * and `Retry-After`, before any seat, presence or announcement, a join it could not mint for). After
 * it: the mint itself, offline for most platforms; for RealtimeKit, the room's stored participant
 * token, refreshed or added through its API within the account's budget
 * (src/video/realtimekit/join-credential.ts). Its failure leaves the seat in place: the next join is
 * a rejoin of the same seat and asks the platform again.
 */
export async function joinCredential(
  deps: RoomGatewayDeps,
  sessionId: string,
  room: RtkRoomSide,
): Promise<{ mintable: VideoProvider[]; mint: Mint }> {
  const { realtimekit: rtk, accounts } = deps;
  const budget = rtk && accounts ? accountBudget(accounts, rtk.accountId) : null;
  const provider: Omit<ProviderDeps, "now" | "joinUrlTemplate"> = {
    ...(await deps.provider()),
    ...(rtk && budget
      ? { realtimekit: (req: MintRequest) => realtimeKitToken(room, rtk, budget, req, deps.roomSecret) }
      : {}),
  };
  const mintable = VideoProviderSchema.options.filter((kind) => providerConfigured(kind, provider));
  const mint: Mint = async (mintFor, seat, displayName, now) => {
    const name = await roomName(sessionId, deps.roomSecret);
    const minted = await issueProviderToken(
      mintFor.provider,
      { ...provider, now: Math.floor(now / 1000), joinUrlTemplate: mintFor.joinUrlTemplate ?? undefined },
      { ...seat, sid: sessionId, room: name },
      displayName,
    );
    if (!minted.ok && minted.reason === "provider-unavailable") {
      const headers = { "retry-after": String(REALTIMEKIT_RETRY_AFTER_SECONDS) };
      return fail("unavailable", "The video provider did not answer; try again shortly.", { headers });
    }
    if (!minted.ok) return fail("unavailable", "The video provider is not configured.");
    const { token, expiresAt, provider: platform, joinUrl, callName } = minted;
    const answer: JoinAnswer = {
      status: "admitted",
      token,
      expiresAt,
      provider: platform,
      room: name,
      ...(joinUrl ? { joinUrl } : {}),
      ...(callName ? { callName } : {}),
    };
    return { ok: true, answer };
  };
  return { mintable, mint };
}
