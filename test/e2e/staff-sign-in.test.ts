import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DESKTOP, expectNoProblems, launch, personPage, screenshots } from "./browser.ts";
import { seedGroup } from "./seed.ts";
import { signInThroughOidc } from "./staff-sign-in.ts";

const WAIT = { timeout: 15_000 };

/**
 * Staff sign-in without a token in hand (issue 16), in Chromium against wrangler dev and the local
 * OpenID provider: the authorization code flow with PKCE ends in an HttpOnly session cookie the
 * page's scripts cannot read; the console works on it (the session list, the live channel) and
 * signs out; an account that is not staff is told so in plain words.
 */
describe("staff sign-in through the clinic's OpenID provider, in Chromium", () => {
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedGroup>>;

  beforeAll(async () => {
    seed = await seedGroup({ clients: 1, cap: 12 });
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("signs in with the clinic's account into an HttpOnly session, works on it, and signs out", async () => {
    const person = await personPage(browser, DESKTOP);
    const { page } = person;
    await page.goto(`${inject("e2e").base}/console`);
    await page.getByRole("link", { name: "Sign in with your clinic's account" }).waitFor(WAIT);
    await screenshots(page, "console-signin-oidc");
    await signInThroughOidc(page, { staffId: "fac_e2e", programId: seed.programId, roles: ["facilitator"] });
    const row = page.locator(`[data-session="${seed.sessionId}"]`).first();
    await row.click();
    await page.getByText("Live updates on.").waitFor(WAIT);

    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "__Host-iop-staff");
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/" });
    // No script sees the session, and the page keeps no token of its own.
    expect(await page.evaluate("document.cookie")).not.toContain("iop-staff");
    expect(await page.evaluate("JSON.stringify(sessionStorage)")).not.toContain("eyJ");

    // A change made through the cookie (the CSRF token goes with it): open the room.
    await page.getByRole("button", { name: "Open room" }).click();
    await page.locator("#room-state").getByText("Open", { exact: true }).waitFor(WAIT);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in", exact: true }).waitFor(WAIT);
    await expect
      .poll(async () => (await page.context().cookies()).some((c) => c.name === "__Host-iop-staff"), WAIT)
      .toBe(false);
    await page.reload();
    await page.getByRole("link", { name: "Sign in with your clinic's account" }).waitFor(WAIT);
    expectNoProblems(person, "staff");
    await person.close();
  });

  it("tells an account that is not staff what to do", async () => {
    const person = await personPage(browser, DESKTOP);
    await signInThroughOidc(person.page, { staffId: "clt_e2e_00", programId: seed.programId, roles: ["client"] });
    await person.page.getByText("This account is not a facilitator or administrator here").waitFor(WAIT);
    expect(person.page.url()).toBe(`${inject("e2e").base}/console`);
    await person.close();
  });
});
