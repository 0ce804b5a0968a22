import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

/** Debian's Chromium; `.ci/run` installs it when missing. */
const CHROMIUM = "/usr/bin/chromium";

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** Where the screenshots go (git-ignored), relative to the repository root vitest runs from. */
export const ARTIFACTS = "test/artifacts";

/** Headless Chromium with nothing running in the background that could slow or disturb a test. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-gpu",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A page seen by one person, in its own context (its own sessionStorage), with its errors kept. */
export interface PersonPage {
  page: Page;
  /** Script errors, CSP violations and failed requests other than the expected refusals. */
  problems: string[];
  close(): Promise<void>;
}

/** Open a fresh browser context, as one person's own phone or computer would be. */
export async function personPage(
  browser: Browser,
  viewport: { width: number; height: number },
  timezoneId = "America/Los_Angeles",
): Promise<PersonPage> {
  const context = await browser.newContext({
    viewport,
    locale: "en-US",
    timezoneId,
    isMobile: viewport.width < 600,
    hasTouch: viewport.width < 600,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    // Refused joins (403, 409, 410) are failed resources in the console: they are the scenario. So
    // is a 404 from the attendance reports while they are not built yet.
    const expected =
      /status of (403|409|410)/.test(msg.text()) ||
      (/status of 404/.test(msg.text()) && msg.location().url.includes("/attendance"));
    if (!expected) problems.push(`console: ${msg.text()} ${msg.location().url}`);
  });
  return { page, problems, close: () => context.close() };
}

/** The text of the join page's state heading, where each phase names itself. */
export function joinState(page: Page) {
  return page.locator("#state-h");
}

/**
 * Screenshot the whole page at both widths, each as its own file, for a person to look at; on the
 * phone, also check that nothing sticks out sideways (a page that scrolls sideways is broken).
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  const original = page.viewportSize() ?? DESKTOP;
  for (const [label, size] of [
    ["phone", PHONE],
    ["desktop", DESKTOP],
  ] as const) {
    await page.setViewportSize(size);
    expect(await sticksOut(page), `${name} at ${label} width`).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/${name}-${label}.png`, fullPage: true, animations: "disabled" });
  }
  await page.setViewportSize(original);
}

/**
 * Elements wider than the viewport, by tag, id and class, when the page scrolls sideways. A string,
 * because it runs in the page and this project's TypeScript has no DOM library.
 */
const STICKS_OUT = `(() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > width + 0.5)
    .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + "." + e.className)
    .slice(0, 10);
})()`;

function sticksOut(page: Page): Promise<string[]> {
  return page.evaluate(STICKS_OUT);
}

/** No script error, CSP violation or unexpected failed request happened on the page. */
export function expectNoProblems(person: PersonPage, who: string): void {
  expect(person.problems, who).toEqual([]);
}
