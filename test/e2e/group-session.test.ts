import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DESKTOP, expectNoProblems, launch, type PersonPage, PHONE, personPage, screenshots } from "./browser.ts";
import { call, seedGroup, tokenFor } from "./seed.ts";

const WAIT = { timeout: 15_000 };
const heading = (page: Page, name: string) => page.getByRole("heading", { name, exact: true }).waitFor(WAIT);

/**
 * One group session, cap 12, 13 enrolled clients, run the way a clinic would run it: the
 * facilitator in the console on a desktop, clients on their phones. The steps build on each other.
 */
describe("join page and facilitator console, in Chromium against wrangler dev", () => {
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedGroup>>;
  let facilitator: PersonPage;
  const clients: Record<"a" | "b" | "removed" | "thirteenth", PersonPage> = {} as never;
  const index = { a: 0, b: 1, removed: 2, thirteenth: 12 } as const;
  const fillers = [3, 4, 5, 6, 7, 8, 9, 10, 11];
  const id = (i: number) => seed.clientIds[i] as string;

  /** A client opens their invite link, lands on /join and opens today's session. */
  async function arrive(who: keyof typeof index) {
    const person = await personPage(browser, PHONE);
    clients[who] = person;
    await person.page.goto(await seed.inviteUrl(index[who]));
    const link = person.page.locator(`a[href="/join/${seed.sessionId}"]`);
    await link.waitFor(WAIT);
    // The code came in the fragment and left the address bar as soon as the page read it.
    expect(person.page.url()).toBe(`${inject("e2e").base}/join`);
    if (who === "a") await screenshots(person.page, "join-list");
    await link.click();
    await heading(person.page, "Check in when you're ready");
    return person.page;
  }

  beforeAll(async () => {
    seed = await seedGroup({ clients: 13, cap: 12 });
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("signs the facilitator in with a pasted token and lists today's session", async () => {
    facilitator = await personPage(browser, DESKTOP);
    const page = facilitator.page;
    await page.goto(`${inject("e2e").base}/console`);
    await screenshots(page, "console-signin");
    await page.getByLabel("Access token").fill(seed.facilitator);
    await page.getByRole("button", { name: "Sign in" }).click();
    // "Today" in the facilitator's zone; a run a few minutes before midnight finds it under "Upcoming".
    const day = (d: Date) => d.toLocaleDateString("en-CA", { timeZone: "America/Los_Angeles" });
    const list = day(new Date(seed.startsAt)) === day(new Date()) ? "#today" : "#upcoming";
    await page.locator(`${list} [data-session="${seed.sessionId}"]`).click();
    await page.getByText("Live updates on.").waitFor(WAIT);
    expect(await page.locator("#room-state").textContent()).toBe("Not open yet");
    expect(await page.locator("#seats").textContent()).toBe("0 of 12 seats taken");
  });

  it("puts clients who check in before the room opens in the waiting room, on their page and the console", async () => {
    for (const who of ["a", "b", "removed"] as const) {
      const page = await arrive(who);
      await page.getByRole("button", { name: "Check in" }).click();
      await heading(page, "You're checked in");
      await page.evaluate("window.sameDocument = true");
    }
    for (const i of [index.a, index.b, index.removed]) {
      await facilitator.page.locator(`#waiting li[data-participant="${id(i)}"]`).waitFor(WAIT);
    }
    // A console opened (here: reloaded) after they checked in lists them from the room's hello (issue 16, bug 1).
    await facilitator.page.reload();
    await facilitator.page.locator(`[data-session="${seed.sessionId}"]`).first().click();
    for (const i of [index.a, index.b, index.removed]) {
      await facilitator.page.locator(`#waiting li[data-participant="${id(i)}"]`).waitFor(WAIT);
    }
    await screenshots(clients.a.page, "join-waiting");
    await screenshots(facilitator.page, "console-waiting");
  });

  it("admits the waiting clients when the facilitator opens the room, without a reload", async () => {
    await facilitator.page.getByRole("button", { name: "Open room" }).click();
    for (const who of ["a", "b", "removed"] as const) {
      await heading(clients[who].page, "You're in");
      expect(await clients[who].page.evaluate("'sameDocument' in window"), who).toBe(true);
    }
    await facilitator.page.getByText("3 of 12 seats taken").waitFor(WAIT);
    expect(await facilitator.page.locator("#waiting li").count()).toBe(0);
    await screenshots(clients.a.page, "join-admitted");
  });

  it("hands an admitted client their pass and says plainly that there is no meeting page", async () => {
    const page = clients.a.page;
    await page.getByRole("button", { name: "Join the session" }).click();
    await heading(page, "Your pass is ready");
    // Without a meeting page the pass is not a dead end: the page says what to do next and who can help.
    const next = (await page.locator("#state-detail").textContent()) ?? "";
    expect(next).toContain("doesn't use a meeting web page");
    expect(next).toContain("paste it when the app asks for it");
    expect(next).toContain("Call your care team");
    await facilitator.page
      .locator(`#roster-body tr[data-participant="${id(index.a)}"][data-status="in-room"]`)
      .waitFor(WAIT);
    await screenshots(page, "join-ready");
  });

  it("tells the thirteenth client of a group of 12 that the group is full", async () => {
    for (const i of fillers) {
      const res = await call(
        "POST",
        `/v1/sessions/${seed.sessionId}/join`,
        await tokenFor("client", id(i), seed.programId),
      );
      expect(res.status, id(i)).toBe(200);
    }
    await facilitator.page.getByText("12 of 12 seats taken").waitFor(WAIT);
    const page = await arrive("thirteenth");
    await page.getByRole("button", { name: "Check in" }).click();
    await heading(page, "This group is full right now");
    await page.getByRole("button", { name: "Try again" }).waitFor(WAIT);
    await screenshots(page, "join-full");
  });

  it("tells a removed client so, and does not let them back in", async () => {
    const row = facilitator.page.locator(`#roster-body tr[data-participant="${id(index.removed)}"]`);
    // Each Remove button names its participant for screen readers, before and after the first press.
    await row.getByRole("button", { name: `Remove ${id(index.removed)}`, exact: true }).click();
    await row.getByRole("button", { name: `Confirm remove ${id(index.removed)}`, exact: true }).click();
    const page = clients.removed.page;
    await heading(page, "You were removed from this session");
    expect(await page.locator("#card button:visible, #card a:visible").count()).toBe(0);
    await screenshots(page, "join-removed");

    // Coming back to the page does not help: the check-in answers that they were removed.
    await page.reload();
    await page.getByRole("button", { name: "Check in" }).click();
    await heading(page, "You were removed from this session");
    const again = await call(
      "POST",
      `/v1/sessions/${seed.sessionId}/join`,
      await tokenFor("client", id(index.removed), seed.programId),
    );
    expect(again.status).toBe(403);
    expect(again.body.type).toBe("/problems/removed");

    // The freed seat is there for the client who found the group full.
    await clients.thirteenth.page.getByRole("button", { name: "Try again" }).click();
    await heading(clients.thirteenth.page, "You're in");

    // After a reload the console still knows who was removed (issue 16, bug 2): the room's hello and
    // the roster are the truth, whichever arrives first.
    const console_ = facilitator.page;
    await console_.reload();
    await console_.locator(`[data-session="${seed.sessionId}"]`).first().click();
    await console_.getByText("Live updates on.").waitFor(WAIT);
    await console_.getByText("12 of 12 seats taken").waitFor(WAIT);
    const removedRow = console_.locator(`#roster-body tr[data-participant="${id(index.removed)}"]`);
    await removedRow.locator("td", { hasText: "Removed" }).waitFor(WAIT);
    expect(await removedRow.getByRole("button").count()).toBe(0);
  });

  it("shows a roster in the console that matches the API", async () => {
    const page = facilitator.page;
    await page.getByText("12 of 12 seats taken").waitFor(WAIT);
    const rows = await page
      .locator("#roster-body tr")
      .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute("data-participant"), tr.getAttribute("data-status")]));
    const shown = Object.fromEntries(rows);
    const arrived = [index.a, ...fillers, index.thirteenth].map(id);
    const expected: Record<string, string> = {
      ...Object.fromEntries(arrived.map((p) => [p, "in-room"])),
      [id(index.b)]: "admitted",
      [id(index.removed)]: "removed",
    };
    expect(shown).toEqual(expected);

    // The API's roster: everyone with presence, by their first observed arrival.
    const roster = await call("GET", `/v1/sessions/${seed.sessionId}/attendance`, seed.facilitator);
    expect(roster.status).toBe(200);
    type Row = { participantId: string; intervals: { start: string }[] };
    const present: Row[] = roster.body.participants.filter((p: Row) => p.intervals.length > 0);
    expect(present.map((p) => p.participantId).sort()).toEqual([...arrived].sort());
    const arrivalShown = await page
      .locator("#roster-body tr")
      .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute("data-participant"), tr.children[2]?.textContent]));
    const expectedArrival = (at: string) =>
      new Date(at).toLocaleTimeString("en-US", {
        hour: "numeric",
        minute: "2-digit",
        timeZone: "America/Los_Angeles",
      });
    for (const p of present) {
      expect(Object.fromEntries(arrivalShown)[p.participantId], p.participantId).toBe(
        expectedArrival(p.intervals[0]?.start as string),
      );
    }
    await screenshots(page, "console-live");
  });

  it("tells clients on their page when the session moves, and hands out a fresh pass", async () => {
    const page = clients.a.page;
    const before = await page.locator("#when").textContent();
    const item = `[data-session="${seed.sessionId}"]`;
    const listed = await facilitator.page.locator(item).textContent();
    const current = await call("GET", `/v1/sessions/${seed.sessionId}`, seed.facilitator);
    const endsAt = new Date(Date.parse(current.body.endsAt) + 30 * 60_000).toISOString().replace(".000Z", "Z");
    const moved = await call("PATCH", `/v1/sessions/${seed.sessionId}`, seed.facilitator, {
      startsAt: current.body.startsAt,
      endsAt,
    });
    expect(moved.status).toBe(200);
    expect(moved.body.version).toBe(current.body.version + 1);
    await page.locator("#status", { hasText: "The session time changed" }).waitFor(WAIT);
    expect(await page.locator("#when").textContent()).not.toBe(before);
    // The console's session list follows the move too (issue 16, bug 4), without a reload.
    await facilitator.page.waitForFunction(
      // Runs in the page: `globalThis` is its window (the test's own types know no DOM).
      ([selector, old]) =>
        (
          globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }
        ).document.querySelector(selector)?.textContent !== old,
      [item, listed] as const,
      WAIT,
    );
    expect(await facilitator.page.locator(item).getAttribute("aria-current")).toBe("true");
    expect(await page.evaluate("'sameDocument' in window")).toBe(true);
    // The move revoked the pass it held; joining again gives a new one.
    await page.getByRole("button", { name: "Join the session" }).click();
    await heading(page, "Your pass is ready");
  });

  it("ends the session for everyone when the facilitator closes the room, then shows the summary", async () => {
    const page = facilitator.page;
    await page.getByRole("button", { name: "Close room" }).click();
    await page.getByRole("button", { name: "Close for good" }).click();
    await page.locator("#room-state", { hasText: "Closed" }).waitFor(WAIT);
    for (const who of ["a", "b", "thirteenth"] as const) await heading(clients[who].page, "This session has ended");

    const roster = await call("GET", `/v1/sessions/${seed.sessionId}/attendance`, seed.facilitator);
    expect(roster.status).toBe(200);
    await page.locator("#summary-table").waitFor(WAIT);
    const shown = await page
      .locator("#summary-table tbody tr")
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-participant")));
    expect(shown.sort()).toEqual(
      roster.body.participants.map((p: { participantId: string }) => p.participantId).sort(),
    );
    await page.locator("#risk-body p, #risk-body table").first().waitFor(WAIT);
    await screenshots(page, "console-closed");
    await screenshots(clients.a.page, "join-ended");

    for (const [who, person] of Object.entries({ facilitator, ...clients })) expectNoProblems(person, who);
  });
});
