import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ARTIFACTS, DESKTOP, expectNoProblems, launch, type PersonPage, personPage } from "./browser.ts";

const WAIT = { timeout: 20_000 };

/**
 * The API reference as a developer opens it: `wrangler dev` serves the page (the Worker) and
 * Swagger UI (static assets), the page's CSP lets it run, and an operation shows its parameters,
 * statuses and schemas.
 */
describe("GET /docs in Chromium against wrangler dev", () => {
  let browser: Browser;
  let reader: PersonPage;

  beforeAll(async () => {
    browser = await launch();
    reader = await personPage(browser, DESKTOP);
  });
  afterAll(async () => {
    await reader?.close();
    await browser?.close();
  });

  it("serves Swagger UI's files as static assets", async () => {
    const { base } = inject("e2e");
    for (const [file, type] of [
      ["/docs/swagger-ui/swagger-ui-bundle.js", /javascript/],
      ["/docs/swagger-ui/swagger-ui.css", /^text\/css/],
      ["/docs/start.js", /javascript/],
    ] as const) {
      const res = await fetch(`${base}${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get("content-type"), file).toMatch(type);
      expect(res.headers.get("x-content-type-options"), file).toBe("nosniff");
      await res.arrayBuffer();
    }
  });

  it("renders every operation, and one opens on its parameters, statuses and schemas", async () => {
    const { base } = inject("e2e");
    const { page } = reader;
    await page.goto(`${base}/docs`);
    const join = page.locator("#operations-rooms-joinSession");
    await join.waitFor(WAIT);
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, object> };
    const count = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(await page.locator(".opblock").count()).toBe(count);

    const live = page.locator("#operations-rooms-connectLiveChannel");
    await live.locator(".opblock-summary").first().click();
    await live.locator(".parameters").waitFor(WAIT);
    await expect.poll(() => live.locator(".parameters").textContent()).toContain("sessionId");
    const responses = live.locator(".responses-table");
    await responses.waitFor(WAIT);
    const statuses = await responses.locator("td.response-col_status").allInnerTexts();
    expect(statuses.map((s) => s.trim().split(/\s/)[0])).toEqual(
      expect.arrayContaining(["101", "401", "403", "404", "426", "500", "503"]),
    );
    // The live channel's messages come from the document, with their own fields.
    await expect.poll(() => responses.textContent()).toMatch(/participantId/);
    await page.screenshot({ path: `${ARTIFACTS}/api-reference-desktop.png`, animations: "disabled" });
    expectNoProblems(reader, "the API reference");
  });
});
