import { decodeJwt } from "jose";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DESKTOP, expectNoProblems, launch, type PersonPage, PHONE, personPage, screenshots } from "./browser.ts";
import { curlStatuses, missingFromReadme, readmeWalkthrough } from "./shell.mjs";

const WAIT = { timeout: 15_000 };
const heading = (page: Page, name: string) => page.getByRole("heading", { name, exact: true }).waitFor(WAIT);

/**
 * A newcomer's first minute, from what `npm start` printed (the global setup started it on a fresh
 * state and parsed its output): each client's link, pasted into a browser, leads with no other step
 * to a join token for the drop-in session; the facilitator's link opens the console signed in; the
 * README's walk-through, run as printed, answers 2xx line by line.
 */
describe("the demo npm start prints, walked as printed", () => {
  const { base, demo } = inject("e2e");
  let browser: Browser;
  /** The clients' pages stay open, as their phones would: closing one leaves the session. */
  const clients: PersonPage[] = [];

  beforeAll(async () => {
    browser = await launch();
  });

  afterAll(async () => {
    for (const person of clients) await person.close();
    await browser?.close();
  });

  it("prints an invite link per demo client with their track, the console link and the README's walk-through", () => {
    expect(demo.base).toBe(base);
    expect(demo.clients.map((c) => c.track)).toEqual(["morning", "morning", "evening", "evening"]);
    for (const c of demo.clients) {
      expect(c.inviteUrl, c.clientId).toMatch(new RegExp(`^${base}/join#invite=enr_[0-9a-z]{40}\\.[A-Za-z0-9_-]{43}$`));
      expect(c.enrollmentId).toMatch(/^enr_/);
    }
    expect(demo.consoleUrl).toMatch(new RegExp(`^${base}/console#signin=sgn_[0-9a-z]{40}\\.[A-Za-z0-9_-]{43}$`));
    // The README shows the same lines with shell variables where the banner has the real ids.
    expect(missingFromReadme()).toEqual([]);
    expect(demo.walkthrough).toHaveLength(readmeWalkthrough().length);
  });

  it("takes every client from their pasted link straight to a join token for the drop-in session", async () => {
    for (const [i, c] of demo.clients.entries()) {
      const person = await personPage(browser, PHONE);
      clients.push(person);
      const page = person.page;
      const joined = page.waitForResponse(
        (r) => r.url() === `${base}/v1/sessions/${demo.dropInSessionId}/join` && r.request().method() === "POST",
        WAIT,
      );
      await page.goto(c.inviteUrl);
      const res = await joined;
      expect(res.status(), c.clientId).toBe(200);
      const body = await res.json();
      expect(body.status).toBe("admitted");
      expect(decodeJwt(body.token)).toMatchObject({ sub: c.clientId, sid: demo.dropInSessionId, role: "client" });
      await heading(page, "Your pass is ready");
      // The code left the address bar; the page is the drop-in's own.
      expect(page.url()).toBe(`${base}/join/${demo.dropInSessionId}`);
      if (i === 0) await screenshots(page, "demo-join-ready");
      expectNoProblems(person, c.clientId);
    }
  });

  it("tells someone whose link no longer works to ask their care team, not to open it again", async () => {
    const person = await personPage(browser, PHONE);
    const page = person.page;
    const first = demo.clients[0]?.inviteUrl ?? "";
    // The same enrollment, a secret that was never issued: what a replaced or mistyped link looks like.
    await page.goto(`${first.slice(0, first.lastIndexOf(".") + 1)}${"A".repeat(43)}`);
    await page.locator("#signed-out").waitFor({ state: "visible", ...WAIT });
    expect(await page.locator("#status").textContent()).toContain("This link no longer works");
    const advice = (await page.locator("#signed-out").textContent()) ?? "";
    expect(advice).toContain("ask your care team for a new personal link");
    expect(advice).not.toContain("open that link again");
    await person.close();
  });

  it("opens the console signed in from the facilitator's link, once", async () => {
    const facilitator = await personPage(browser, DESKTOP);
    const page = facilitator.page;
    await page.goto(demo.consoleUrl);
    await page.locator("#app").waitFor({ state: "visible", ...WAIT });
    expect(page.url()).toBe(`${base}/console`);
    expect(await page.locator("#signin").isHidden()).toBe(true);
    const token = (await page.evaluate("sessionStorage.getItem('iop.staff')")) as string;
    expect(decodeJwt(token)).toMatchObject({
      sub: demo.facilitatorId,
      roles: ["facilitator"],
      program: demo.programId,
    });
    await page.locator(`#today [data-session="${demo.dropInSessionId}"]`).click();
    await page.locator("#room-state", { hasText: "Open" }).waitFor(WAIT);
    await page.getByText(`${demo.clients.length} of 12 seats taken`).waitFor(WAIT);
    await screenshots(page, "demo-console");
    expectNoProblems(facilitator, "facilitator");

    // The link is spent: opened again elsewhere, it signs nobody in.
    const again = await personPage(browser, DESKTOP);
    await again.page.goto(demo.consoleUrl);
    await again.page.locator("#signin-error", { hasText: "not valid" }).waitFor(WAIT);
    expect(await again.page.locator("#app").isHidden()).toBe(true);
    expect(again.page.url()).toBe(`${base}/console`);
    await Promise.all([facilitator.close(), again.close()]);
  });

  it("answers 2xx to every line of the printed walk-through, run as printed", () => {
    const statuses = curlStatuses(demo.walkthrough);
    expect(demo.walkthrough.filter((l) => l.startsWith("curl ")).length).toBe(5);
    expect(statuses).toHaveLength(5);
    for (const [i, status] of statuses.entries()) {
      expect(status >= 200 && status < 300, `curl line ${i + 1} answered ${status}`).toBe(true);
    }
  });
});
