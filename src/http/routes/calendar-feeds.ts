import { createRoute, z } from "@hono/zod-openapi";
import { Feed, FeedCreate } from "../../../schemas/calendar-feed.ts";
import { renderFeed } from "../../calendar-feed/ics.ts";
import { hashInviteSecret, newInviteCode, parseInviteCode } from "../../directory/invite-code.ts";
import { isoInstant } from "../../lib/clock.ts";
import { newChildId, programIdOf } from "../../lib/ids.ts";
import { auditCall } from "../audit.ts";
import { secured } from "../middleware/auth.ts";
import { rateLimit } from "../middleware/rate-limit.ts";
import { ProgramParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, jsonBody, problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import { unwrap } from "../unwrap.ts";

const FeedParams = z.object({
  feedId: z
    .string()
    .meta({ description: "The feed's opaque id", example: "cal_4k9d2m7q1x8c3v5b0n6ah2j8r5t1w9y3e7u0p4s6" }),
});
const FeedFile = z.object({
  file: z.string().max(200).meta({ description: "The feed token followed by `.ics`", example: "cal_….secret.ics" }),
});

const createFeed = createRoute({
  method: "post",
  path: "/v1/programs/{programId}/calendar-feeds",
  operationId: "createCalendarFeed",
  tags: ["calendar feeds"],
  summary: "Make (or rotate) a private iCalendar feed for a client, a facilitator or a track",
  ...secured(["admin", "facilitator"], "program"),
  request: { params: ProgramParams, ...jsonBody(FeedCreate) },
  responses: {
    201: json(Feed, "The feed; its URL is shown once"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

const revokeFeed = createRoute({
  method: "delete",
  path: "/v1/calendar-feeds/{feedId}",
  operationId: "revokeCalendarFeed",
  tags: ["calendar feeds"],
  summary: "Revoke a calendar feed: its URL answers 404 from now on",
  ...secured(["admin", "facilitator"], "resource"),
  request: { params: FeedParams },
  responses: {
    200: json(z.object({ revoked: z.literal(true) }), "Revoked"),
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

const readFeed = createRoute({
  method: "get",
  path: "/v1/calendars/{file}",
  operationId: "readCalendarFeed",
  tags: ["calendar feeds"],
  summary: "A private iCalendar feed (RFC 5545), for phone and desktop calendars to subscribe to",
  description:
    "The token in the path is the credential (calendar apps cannot send headers). Neutral titles only: no program, " +
    "track or treatment words. An unknown, revoked or malformed token answers 404.",
  security: [],
  middleware: [rateLimit("INVITE_LIMITER")],
  request: { params: FeedFile },
  responses: {
    200: { description: "The calendar", content: { "text/calendar": { schema: z.string() } } },
    404: problems[404],
    429: problems[429],
  },
});

const gone = () => new ApiError("not-found", "No such calendar.");

/** Private calendar feeds: random tokens, hashed at rest, one live feed per subject, revocable. */
export function calendarFeedRoutes() {
  return newRouter()
    .openapi(createFeed, async (c) => {
      const { programId } = c.req.valid("param");
      const { subject } = c.req.valid("json");
      const dir = c.var.services.directory.program(programId);
      if (!dir) throw new ApiError("not-found", "No such program.");
      if (subject.type === "track" && programIdOf(subject.id) !== programId)
        throw new ApiError("not-found", "No such track.");
      const feedId = newChildId("cal", programId);
      const { code, secret } = newInviteCode(feedId);
      const now = c.var.services.clock.now();
      unwrap(await dir.createFeed(feedId, await hashInviteSecret(secret), subject, now, auditCall(c)));
      const url = `${new URL(c.req.url).origin}/v1/calendars/${code}.ics`;
      return c.json({ feedId, url, subject, createdAt: isoInstant(now) }, 201);
    })
    .openapi(revokeFeed, async (c) => {
      const { feedId } = c.req.valid("param");
      const dir = c.var.services.directory.ofChild(feedId);
      if (!dir || !(await dir.stub.revokeFeed(feedId, c.var.services.clock.now(), auditCall(c)))) {
        throw new ApiError("not-found", "No such live calendar feed.");
      }
      return c.json({ revoked: true as const }, 200);
    })
    .openapi(readFeed, async (c) => {
      const { file } = c.req.valid("param");
      const parsed = file.endsWith(".ics") ? parseInviteCode(file.slice(0, -4)) : null;
      const dir = parsed ? c.var.services.directory.ofChild(parsed.enrollmentId) : null;
      if (!parsed || !dir) throw gone();
      const { services } = c.var;
      const feed = await dir.stub.readFeed(
        parsed.enrollmentId,
        await hashInviteSecret(parsed.secret),
        services.clock.now(),
        new URL(c.req.url).origin,
        auditCall(c),
      );
      // Reading a client's schedule is a read of patient data: the directory recorded which feed, never whose name.
      if (!feed) throw gone();
      return c.body(renderFeed(feed.calendar), 200, {
        "content-type": "text/calendar; charset=utf-8",
        "cache-control": "private, max-age=300",
      }) as never;
    });
}
