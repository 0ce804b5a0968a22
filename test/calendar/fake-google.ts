import type { HttpFetch } from "../../src/calendar/providers/api-call.ts";
import { fakeGoogleCalendar } from "./providers/fake-google-calendar.ts";

/**
 * The Calendar API stand-in of test/calendar/providers, plus the documented push-channel calls:
 * `POST calendars/{id}/events/watch` (answers an `api#channel` with a resource id and an
 * expiration in epoch ms, as a string) and `POST channels/stop` (204).
 */
export function fakeGoogle(opts: { accessToken: string; now: () => number }) {
  const calendar = fakeGoogleCalendar({ accessToken: opts.accessToken });
  const watches: { id: string; calendarId: string; address: string; token: string }[] = [];
  const stopped: { id: string; resourceId: string }[] = [];

  const fetch: HttpFetch = async (input, init) => {
    const url = new URL(input);
    if (init.method === "POST") {
      if (init.headers.authorization !== `Bearer ${opts.accessToken}`) return new Response("{}", { status: 401 });
      const body = JSON.parse(init.body ?? "{}");
      const watch = /^\/calendar\/v3\/calendars\/([^/]+)\/events\/watch$/.exec(url.pathname);
      if (watch) {
        if (body.type !== "web_hook" || !String(body.address).startsWith("https://")) {
          return new Response(JSON.stringify({ error: { code: 400 } }), { status: 400 });
        }
        const calendarId = decodeURIComponent(watch[1] as string);
        watches.push({ id: body.id, calendarId, address: body.address, token: body.token });
        return Response.json({
          kind: "api#channel",
          id: body.id,
          resourceId: `res-${watches.length + 1}`,
          resourceUri: `${url.origin}/calendar/v3/calendars/${watch[1]}/events?alt=json`,
          token: body.token,
          expiration: String(opts.now() + 7 * 86_400_000),
        });
      }
      if (url.pathname === "/calendar/v3/channels/stop") {
        stopped.push(body);
        return new Response(null, { status: 204 });
      }
    }
    return calendar.fetch(input, { headers: init.headers, signal: init.signal });
  };
  return { ...calendar, fetch, watches, stopped };
}
