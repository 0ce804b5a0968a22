import { Hono } from "hono";
import { etag } from "hono/etag";
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { AppEnv } from "../http/types.ts";
import { ASSETS } from "./assets/index.ts";
import { ConsolePage } from "./console-page.tsx";
import { JoinListPage, JoinRoomPage, NotFoundPage } from "./join-pages.tsx";
import { assetHeaders, pageHeaders } from "./page-headers.ts";

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
 * The client join page and the facilitator console, and the files they load. The pages are empty
 * shells: everything about a person or a session is fetched by the page's script with the
 * bearer token it holds, so no personal data is rendered by the server or stored in a cache.
 */
export function webRoutes() {
  const web = new Hono<AppEnv>();
  web.use("/join", pageHeaders());
  web.use("/join/*", pageHeaders());
  web.use("/console", pageHeaders());
  web.use("/assets/*", assetHeaders(), etag());

  web.get("/join", (c) => c.html(doc(<JoinListPage />)));
  // Answered here, not by `c.notFound()`: the app's not-found handler sees a registered GET route
  // for this path shape and would answer 405.
  web.get("/join/:sessionId", (c) =>
    SESSION_ID.test(c.req.param("sessionId")) ? c.html(doc(<JoinRoomPage />)) : c.html(doc(<NotFoundPage />), 404),
  );
  web.get("/console", (c) => c.html(doc(<ConsolePage />)));
  web.get("/assets/:name", (c) => {
    const asset = Object.hasOwn(ASSETS, c.req.param("name")) ? ASSETS[c.req.param("name")] : undefined;
    if (!asset) return c.text("Not found", 404);
    return c.body(asset.body, 200, { "content-type": asset.type });
  });
  return web;
}
