import { Hono } from "hono";
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { AppEnv } from "../http/types.ts";
import { ConsolePage } from "./console-page.tsx";
import { JoinListPage, JoinRoomPage, NotFoundPage } from "./join-pages.tsx";
import { pageHeaders } from "./page-headers.ts";

/**
 * The shape of the product's opaque ids (schemas/common.ts `Id`); anything else is not a page.
 * Checked in the handler rather than in the route pattern, so the app's 404/405 logic, which reads
 * plain `:param` patterns, still answers 404 for a path that is not an id.
 */
const SESSION_ID = /^[a-z]{2,4}_[0-9a-z]{10,40}$/;

/** A complete HTML document from a page component. */
const doc = (page: Child) => (
  <>
    {raw("<!doctype html>")}
    {page}
  </>
);

/**
 * The client join page and the facilitator console. The pages are empty shells: everything about a
 * person or a session is fetched by the page's script with the bearer token it holds, so no
 * personal data is rendered by the server or stored in a cache. The scripts and the stylesheet are
 * real files in src/web/public/assets, served by Workers Static Assets before the Worker runs.
 */
export function webRoutes() {
  const web = new Hono<AppEnv>();
  web.use("/join", pageHeaders());
  web.use("/join/*", pageHeaders());
  web.use("/console", pageHeaders());

  web.get("/join", (c) => c.html(doc(<JoinListPage />)));
  // Answered here, not by `c.notFound()`: the app's not-found handler sees a registered GET route
  // for this path shape and would answer 405.
  web.get("/join/:sessionId", (c) =>
    SESSION_ID.test(c.req.param("sessionId")) ? c.html(doc(<JoinRoomPage />)) : c.html(doc(<NotFoundPage />), 404),
  );
  web.get("/console", (c) => c.html(doc(<ConsolePage />)));
  return web;
}
