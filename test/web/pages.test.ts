import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { futureMonday, plusMinutes, zoned } from "../dates.ts";
import { createProgram, harness } from "../helpers.ts";
import { PERSONAL } from "../rooms/fixtures.ts";

const PAGES = ["/join", "/console"];
/** A file as Workers Static Assets serves it, before the Worker runs (wrangler.toml `[assets]`). */
const asset = async (name: string) => {
  const res = await env.ASSETS.fetch(new URL(`/assets/${name}`, "http://localhost"));
  return { status: res.status, headers: res.headers, text: await res.text() };
};

const ASSET_FILES = [
  "app.css",
  "common.js",
  "join-list.js",
  "join-room.js",
  "console.js",
  "console-room.js",
  "console-summary.js",
];

/** A program named with personal data and one of its sessions, so the pages have something to leak. */
async function seeded() {
  const day = futureMonday();
  const startsAt = zoned(day, "09:00");
  const h = harness(plusMinutes(startsAt, -10));
  const admin = await h.token("admin", "adm_web");
  const programId = await createProgram(h.call, admin, { name: PERSONAL[3] });
  const session = await h.call("POST", `/v1/programs/${programId}/sessions`, {
    token: admin,
    body: {
      kind: "individual",
      startsAt,
      endsAt: plusMinutes(startsAt, 60),
      facilitatorIds: ["fac_web"],
      clientIds: ["clt_web"],
    },
  });
  expect(session.status).toBe(201);
  return { ...h, day, admin, programId, sessionId: session.body.id as string };
}

describe("web pages", () => {
  it("answer 200 text/html under a strict, script-only-from-self CSP and are never cached", async () => {
    const { call, sessionId } = await seeded();
    for (const path of [...PAGES, `/join/${sessionId}`]) {
      const res = await call("GET", path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("require-trusted-types-for 'script'");
      expect(csp, path).not.toContain("unsafe-inline");
      expect(csp, path).toMatch(/connect-src 'self' ws:\/\/localhost/);
      expect(res.headers.get("cache-control"), path).toBe("no-store");
      expect(res.text.startsWith("<!doctype html>"), path).toBe(true);
    }
  });

  it("load only same-origin files, with no inline script or style the CSP would block", async () => {
    const { call } = harness();
    for (const path of PAGES) {
      const html = (await call("GET", path)).text;
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs, path).toMatch(/src="\/assets\/[a-z-]+\.js"/);
        expect(body, path).toBe("");
      }
      expect(html, path).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
      for (const [, url] of html.matchAll(/(?:src|href)="([^"]*)"/g)) {
        expect(url, path).toMatch(/^(\/|#|data:,$)/);
      }
    }
  });

  it("render no personal data and no session detail: the server sends an empty shell", async () => {
    const { call, sessionId, day } = await seeded();
    for (const path of [...PAGES, `/join/${sessionId}`]) {
      const html = (await call("GET", path)).text;
      for (const secret of [...PERSONAL, "clt_web", "fac_web", day]) expect(html, path).not.toContain(secret);
    }
  });

  it("serve their scripts and stylesheet as static files with the right types, and never write HTML from strings", async () => {
    for (const name of ASSET_FILES) {
      const res = await asset(name);
      expect(res.status, name).toBe(200);
      expect(res.headers.get("content-type"), name).toMatch(name.endsWith(".css") ? /^text\/css/ : /^text\/javascript/);
      expect(res.headers.get("etag"), name).toBeTruthy();
      // src/web/public/_headers: revalidated on every load (a deploy is seen at once), never sniffed.
      expect(res.headers.get("cache-control"), name).toBe("no-cache");
      expect(res.headers.get("x-content-type-options"), name).toBe("nosniff");
      expect(res.text, name).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
      expect(res.text, name).not.toMatch(/https?:\/\//);
    }
    expect((await asset("nothing.js")).status).toBe(404);
    // The browser files' type-checking configuration is not served.
    expect((await asset("../tsconfig.browser.json")).status).toBe(404);
  });

  it("keep invite codes out of requests: the join page reads the fragment and clears it", async () => {
    const script = (await asset("join-list.js")).text;
    expect(script).toContain("location.hash");
    expect(script).toContain("history.replaceState");
    expect(script).toContain('"/v1/invites/exchange"');
  });

  it("answer 404 rather than a page for a session path that is not an id", async () => {
    const { call } = harness();
    for (const path of ["/join/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/join/Jane%20Doe", "/join/ses_x/extra"]) {
      const res = await call("GET", path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-security-policy"), path).toContain("default-src 'none'");
      expect(res.text, path).not.toMatch(/alert\(1\)|Jane Doe/);
    }
  });
});
