import { z } from "zod";
import type { GoogleChannel } from "../../../../schemas/calendar/integration.ts";
import { isoInstant } from "../../../lib/clock.ts";
import { callJson, type HttpFetch, trimBase } from "../api-call.ts";

// The fields of Google's `api#channel` answer the product keeps.
const ChannelAnswer = z.object({
  id: z.string().min(1).max(64),
  resourceId: z.string().min(1).max(512),
  expiration: z.union([z.string().regex(/^[0-9]{1,16}$/), z.number().int()]).optional(),
});

/** What a Calendar API call needs: where it is, the bearer token, and the fetch to use. */
export interface GoogleApi {
  fetch: HttpFetch;
  baseUrl: string;
  /** Absent when not configured: the API answers 401 and the work is retried. */
  accessToken?: string | undefined;
}

/**
 * Open a new push channel on a calendar's events (`events.watch`): notifications go to `address`
 * and carry `token` in `X-Goog-Channel-Token`. The channel id is fresh and opaque.
 */
export async function watchCalendar(
  api: GoogleApi,
  opts: { calendarId: string; address: string; token: string },
): Promise<{ ok: true; channel: GoogleChannel } | { ok: false; status?: number }> {
  const id = crypto.randomUUID();
  const url = `${trimBase(api.baseUrl)}/calendars/${encodeURIComponent(opts.calendarId)}/events/watch`;
  const res = await callJson(api.fetch, url, {
    method: "POST",
    accessToken: api.accessToken,
    body: { id, type: "web_hook", address: opts.address, token: opts.token },
  });
  if (!res.ok) return { ok: false, status: res.status };
  const answer = ChannelAnswer.safeParse(res.body);
  if (!answer.success || answer.data.id !== id) return { ok: false };
  const expiration = Number(answer.data.expiration);
  return {
    ok: true,
    channel: {
      id,
      calendarId: opts.calendarId,
      resourceId: answer.data.resourceId,
      ...(Number.isFinite(expiration) && expiration > 0 ? { expiresAt: isoInstant(expiration) } : {}),
    },
  };
}

/** Stop a channel (`channels.stop`); best effort: an unstopped channel expires by itself. */
export async function stopChannel(api: GoogleApi, channel: { id: string; resourceId?: string }): Promise<boolean> {
  if (!channel.resourceId) return false;
  const res = await callJson(api.fetch, `${trimBase(api.baseUrl)}/channels/stop`, {
    method: "POST",
    accessToken: api.accessToken,
    body: { id: channel.id, resourceId: channel.resourceId },
  });
  return res.ok;
}
