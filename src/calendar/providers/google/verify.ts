import { matchesAnySecret } from "../../../lib/constant-time.ts";
import { refuse, type VerifyResult } from "../../../lib/verify-result.ts";

/** What a push notification asks of us: nothing (`sync`), an incremental sync, or the calendar is gone. */
export type GooglePushAction = "ack" | "sync" | "gone";

/** Facts of an authentic Google Calendar push notification. */
export interface GooglePush {
  channelId: string;
  resourceId: string;
  resourceState: "sync" | "exists" | "not_exists";
  action: GooglePushAction;
  messageNumber: number;
  /** Channel expiry (epoch ms) when Google sent it, so the caller can renew in time. */
  channelExpiresAt?: number;
}

const ACTIONS: Record<GooglePush["resourceState"], GooglePushAction> = {
  sync: "ack",
  exists: "sync",
  not_exists: "gone",
};
const MAX_HEADER = 512;
// Google stops notifying when a channel expires; a message for a long-expired channel is a replay.
const EXPIRY_SKEW_MS = 5 * 60_000;

/**
 * Verify a Google Calendar push notification from its `X-Goog-*` headers (the body is empty and
 * carries no data). `X-Goog-Channel-Token` must equal one of `secrets`, the token we set when
 * opening the channel. Whether the channel id is still one we own is the caller's lookup.
 * A message whose `X-Goog-Channel-Expiration` passed more than five minutes before `now` is stale.
 */
export async function verifyGoogle(input: {
  headers: Headers;
  secrets: readonly string[];
  now: number;
  rawBody?: Uint8Array | string;
}): Promise<VerifyResult<GooglePush>> {
  const h = (name: string) => input.headers.get(name)?.trim() || undefined;
  const channelId = h("x-goog-channel-id");
  const state = h("x-goog-resource-state");
  const number = h("x-goog-message-number");
  const resourceId = h("x-goog-resource-id");
  const token = h("x-goog-channel-token");
  if (!channelId || !state || !number || !resourceId) return refuse("missing-header", 400);
  if (channelId.length > MAX_HEADER || resourceId.length > MAX_HEADER) return refuse("malformed-header", 400);
  if (!Object.hasOwn(ACTIONS, state) || !/^[0-9]{1,20}$/.test(number)) return refuse("malformed-header", 400);
  if (!token) return refuse("unsigned", 401);
  if (!input.secrets.some((s) => s.length > 0)) return refuse("no-secret", 401);
  if (!(await matchesAnySecret(token, input.secrets))) return refuse("bad-signature", 401);

  const resourceState = state as GooglePush["resourceState"];
  const expires = Date.parse(h("x-goog-channel-expiration") ?? "");
  if (Number.isFinite(expires) && expires + EXPIRY_SKEW_MS < input.now) return refuse("stale", 401);
  return {
    ok: true,
    deliveryId: `${channelId}:${number}`,
    channelId,
    resourceId,
    resourceState,
    action: ACTIONS[resourceState],
    messageNumber: Number(number),
    ...(Number.isFinite(expires) ? { channelExpiresAt: expires } : {}),
  };
}
