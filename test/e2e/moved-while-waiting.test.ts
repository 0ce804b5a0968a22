import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoProblems, launch, PHONE, personPage } from "./browser.ts";
import { call, seedGroup } from "./seed.ts";

const WAIT = { timeout: 15_000 };

/**
 * A client waits for a session that is then moved to tomorrow (issue 16, bug 3): their page must
 * say so where a sighted reader looks, not only to screen readers, and stop telling them to wait.
 */
describe("a waiting client whose session moves to tomorrow, in Chromium against wrangler dev", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("is told the new time and when check-in opens, instead of being told to wait", async () => {
    const seed = await seedGroup({ clients: 1, cap: 12 });
    const person = await personPage(browser, PHONE);
    const page = person.page;
    await page.goto(await seed.inviteUrl(0));
    await page.locator(`a[href="/join/${seed.sessionId}"]`).click();
    await page.getByRole("button", { name: "Check in" }).click();
    await page.getByRole("heading", { name: "You're checked in", exact: true }).waitFor(WAIT);

    const current = await call("GET", `/v1/sessions/${seed.sessionId}`, seed.facilitator);
    const day = 24 * 3600_000;
    const shift = (t: string) => new Date(Date.parse(t) + day).toISOString().replace(".000Z", "Z");
    const moved = await call("PATCH", `/v1/sessions/${seed.sessionId}`, seed.facilitator, {
      startsAt: shift(current.body.startsAt),
      endsAt: shift(current.body.endsAt),
    });
    expect(moved.status).toBe(200);

    await page.getByRole("heading", { name: "It's a little early", exact: true }).waitFor(WAIT);
    expect(await page.locator("#state-detail").textContent()).toContain("Check-in opens at");
    expect(await page.locator("#status").textContent()).toContain("The session time changed");
    const tomorrow = new Date(Date.parse(current.body.startsAt) + day).toLocaleDateString("en-US", {
      timeZone: "America/Los_Angeles",
      weekday: "long",
    });
    expect(await page.locator("#when").textContent()).toContain(tomorrow);
    // The countdown counts to the new start, about a day away, not the old one minutes away.
    expect(await page.locator("#countdown").textContent()).toMatch(/2[34] h|1 day/);
    expectNoProblems(person, "moved client");
    await person.close();
  });
});
