import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DESKTOP, expectNoProblems, launch, type PersonPage, PHONE, personPage, screenshots } from "./browser.ts";
import { call, seedGroup } from "./seed.ts";
import { filesHolding } from "./shell.mjs";
import { signInThroughOidc } from "./staff-sign-in.ts";

const WAIT = { timeout: 15_000 };
const AVERY = "Avery Kowalski";
const BLAKE = "Blake M.";
const CASEY = "Casey R.";
const NAMES = [AVERY, BLAKE, CASEY];

interface Hello {
  roomState: string;
  participants: { participantId: string; role: string; status: "waiting" | "admitted" | "left" | "removed" }[];
}

interface ConsoleView {
  state: string;
  seats: string;
  waiting: { id: string; name: string }[];
  roster: { id: string; status: string; name: string; removable: boolean }[];
}

/** What the console shows, read from its page (a string: this project's TypeScript has no DOM library). */
const READ_CONSOLE = `(() => ({
  state: document.querySelector("#room-state").dataset.state,
  seats: document.querySelector("#seats").textContent,
  waiting: [...document.querySelectorAll("#waiting li")].map((li) => ({
    id: li.dataset.participant,
    name: li.querySelector(".name").textContent,
  })),
  roster: [...document.querySelectorAll("#roster-body tr")].map((tr) => ({
    id: tr.dataset.participant,
    status: tr.dataset.status,
    name: tr.querySelector(".name").textContent,
    removable: tr.querySelector("td.action button") !== null,
  })),
}))()`;

/** The console's statuses that agree with the room's (an admitted client with a pass is "in the room"). */
const AGREES: Record<string, string[]> = {
  admitted: ["admitted", "in-room"],
  left: ["left"],
  removed: ["removed"],
};

/**
 * Display names and a console that is always right (issue 16), in Chromium against wrangler dev:
 * staff sign in through the local OpenID provider; clients named by staff and clients who name
 * themselves check in before and after the console opens the session; after every step (admission,
 * reload, removal, move to tomorrow, cancel) the console shows exactly what the room's own `hello`
 * frame says, with each person's name. Then no name is found outside the program's Durable Object.
 */
describe("who is who: names in the console, and the console equal to the room", () => {
  let browser: Browser;
  let seed: Awaited<ReturnType<typeof seedGroup>>;
  let staff: PersonPage;
  const clients: PersonPage[] = [];
  const id = (i: number) => seed.clientIds[i] as string;

  /** The room's truth: the `hello` its live channel sends staff, read over a WebSocket from Node. */
  async function roomTruth(): Promise<Hello> {
    const url = `${inject("e2e").base.replace(/^http/, "ws")}/v1/sessions/${seed.sessionId}/live`;
    const ws = new WebSocket(url, ["iop.v1", `bearer.${seed.facilitator}`]);
    try {
      return await new Promise<Hello>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no hello from the room")), 10_000);
        ws.addEventListener("message", (e: MessageEvent) => {
          const m = JSON.parse(String(e.data));
          if (m.type === "hello") {
            clearTimeout(timer);
            resolve(m);
          }
        });
        ws.addEventListener("error", () => reject(new Error("live channel refused")));
      });
    } finally {
      ws.close();
    }
  }

  /** Where the console and the room (and the program's names) disagree; empty when they agree. */
  async function disagreements(): Promise<string[]> {
    const [hello, view, people] = await Promise.all([
      roomTruth(),
      staff.page.evaluate(READ_CONSOLE) as Promise<ConsoleView>,
      call("GET", `/v1/programs/${seed.programId}/people?ids=${seed.clientIds.join(",")}`, seed.facilitator),
    ]);
    const names = new Map<string, string>(
      people.body.people.map((p: { subjectId: string; displayName: string }) => [p.subjectId, p.displayName]),
    );
    const out: string[] = [];
    if (view.state !== hello.roomState) out.push(`state ${view.state} ≠ ${hello.roomState}`);
    const waiting = hello.participants.filter((p) => p.status === "waiting").map((p) => p.participantId);
    const shownWaiting = view.waiting.map((w) => w.id);
    if ([...waiting].sort().join() !== [...shownWaiting].sort().join()) {
      out.push(`waiting [${shownWaiting}] ≠ room [${waiting}]`);
    }
    for (const p of hello.participants.filter((x) => x.status !== "waiting")) {
      const row = view.roster.find((r) => r.id === p.participantId);
      if (!row) out.push(`${p.participantId} (${p.status}) missing from the roster`);
      else if (!AGREES[p.status]?.includes(row.status)) out.push(`${p.participantId}: ${row.status} ≠ ${p.status}`);
      else if (row.removable !== (p.status !== "removed" && !["closed", "cancelled"].includes(hello.roomState))) {
        out.push(`${p.participantId}: Remove button ${row.removable ? "shown" : "missing"}`);
      }
    }
    for (const shown of [...view.waiting, ...view.roster]) {
      const expected = names.get(shown.id) ?? shown.id;
      if (shown.name !== expected) out.push(`${shown.id} shown as "${shown.name}", not "${expected}"`);
    }
    const seated = hello.participants.filter((p) => p.role === "client" && p.status === "admitted").length;
    const seats =
      hello.roomState === "cancelled"
        ? "This session was cancelled."
        : hello.roomState === "closed"
          ? "The room is closed."
          : `${seated} of 3 seats taken`;
    if (view.seats !== seats) out.push(`seats "${view.seats}" ≠ "${seats}"`);
    return out;
  }

  const agrees = () => expect.poll(disagreements, { timeout: 15_000, interval: 300 }).toEqual([]);

  async function openConsoleSession() {
    const row = staff.page.locator(`[data-session="${seed.sessionId}"]`).first();
    await row.waitFor(WAIT);
    await row.click();
    await staff.page.getByText("Live updates on.").waitFor(WAIT);
  }

  async function reloadConsole() {
    await staff.page.reload();
    await openConsoleSession();
  }

  /** Client `i` opens their invite on a phone and goes to the check-in. */
  async function arrive(i: number): Promise<Page> {
    const person = await personPage(browser, PHONE);
    clients[i] = person;
    await person.page.goto(await seed.inviteUrl(i));
    await person.page.locator(`a[href="/join/${seed.sessionId}"]`).click();
    await person.page.getByRole("heading", { name: "Check in when you're ready", exact: true }).waitFor(WAIT);
    return person.page;
  }

  async function checkIn(page: Page, name?: string) {
    if (name !== undefined) await page.getByLabel("Your name (optional)").fill(name);
    await page.getByRole("button", { name: "Check in" }).click();
    await page.getByRole("heading", { name: "You're checked in", exact: true }).waitFor(WAIT);
  }

  beforeAll(async () => {
    seed = await seedGroup({ clients: 5, cap: 3, settings: { admissionPolicy: "manual" }, names: [AVERY] });
    browser = await launch();
  });

  afterAll(async () => {
    for (const c of clients) await c?.close();
    await staff?.close();
    await browser?.close();
  });

  it("a client named by staff is not asked; another gives her name before the console opens", async () => {
    const avery = await arrive(0);
    expect(await avery.locator("#name-field").isVisible()).toBe(false);
    await checkIn(avery);
    const blake = await arrive(1);
    await blake.getByLabel("Your name (optional)").waitFor(WAIT);
    // The page says who will see the name: this program keeps names out of the call.
    expect(await blake.locator("#display-name-hint").textContent()).toContain("The others in the group don't see it");
    await screenshots(blake, "join-name");
    await checkIn(blake, BLAKE);
  });

  it("staff sign in through the clinic's OpenID provider and see both by name in the waiting room", async () => {
    staff = await personPage(browser, DESKTOP);
    await signInThroughOidc(staff.page, { staffId: "fac_e2e", programId: seed.programId, roles: ["facilitator"] });
    await openConsoleSession();
    await staff.page.locator("#waiting .name").getByText(AVERY, { exact: true }).waitFor(WAIT);
    await staff.page.locator("#waiting .name").getByText(BLAKE, { exact: true }).waitFor(WAIT);
    await agrees();
  });

  it("a client who names himself after the console opened appears by name at once", async () => {
    await checkIn(await arrive(2), CASEY);
    await staff.page.locator("#waiting .name").getByText(CASEY, { exact: true }).waitFor(WAIT);
    await agrees();
    await screenshots(staff.page, "console-names");
  });

  it("admitting by name, then a reload: the roster names them and agrees with the room", async () => {
    await staff.page.getByRole("button", { name: "Open room" }).click();
    await staff.page.getByRole("button", { name: `Admit ${AVERY}`, exact: true }).click();
    await staff.page.getByRole("button", { name: `Admit ${BLAKE}`, exact: true }).click();
    await agrees();
    await reloadConsole();
    await agrees();
  });

  it("a removal, before and after a reload: removed, no Remove button, the right seat count", async () => {
    const row = staff.page.locator(`#roster-body tr[data-participant="${id(1)}"]`);
    await row.getByRole("button", { name: `Remove ${BLAKE}`, exact: true }).click();
    await row.getByRole("button", { name: `Confirm remove ${BLAKE}`, exact: true }).click();
    await staff.page.locator(`#roster-body tr[data-participant="${id(1)}"][data-status="removed"]`).waitFor(WAIT);
    await agrees();
    await reloadConsole();
    await agrees();
  });

  it("a move to tomorrow and a cancel: the list, the room and the clients' pages follow", async () => {
    await checkIn(await arrive(3));
    await agrees();
    const current = await call("GET", `/v1/sessions/${seed.sessionId}`, seed.facilitator);
    const listed = staff.page.locator(`[data-session="${seed.sessionId}"]`).first();
    const before = await listed.textContent();
    const shift = (t: string) => new Date(Date.parse(t) + 86_400_000).toISOString().replace(".000Z", "Z");
    const moved = await call("PATCH", `/v1/sessions/${seed.sessionId}`, seed.facilitator, {
      startsAt: shift(current.body.startsAt),
      endsAt: shift(current.body.endsAt),
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const when = new Date(moved.body.startsAt).toLocaleDateString("en-US", {
      weekday: "long",
      timeZone: "America/Los_Angeles",
    });
    await staff.page.locator("#room-when").getByText(when).waitFor(WAIT);
    // The session list is read again: it never keeps the old time (issue 16, bug 4).
    await expect.poll(() => listed.textContent(), WAIT).not.toBe(before);
    await agrees();
    await reloadConsole();
    await agrees();
    const cancelled = await call("POST", `/v1/sessions/${seed.sessionId}/cancel`, seed.facilitator, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await staff.page.getByText("This session was cancelled.").waitFor(WAIT);
    await agrees();
    await reloadConsole();
    await agrees();
    // The client moved to tomorrow keeps the page open, as it asks: it hears the cancel too.
    await clients[3]?.page.getByRole("heading", { name: "This session was cancelled", exact: true }).waitFor(WAIT);
    for (const [i, c] of clients.entries()) if (c) expectNoProblems(c, id(i));
    expectNoProblems(staff, "staff");
  });

  it("no name is stored or logged anywhere but the program's Durable Object", async () => {
    const hits = filesHolding(inject("e2e").devDir, NAMES);
    expect(hits.filter((h) => !/ProgramDirectory/.test(h.file))).toEqual([]);
    // The scan looks where the names are: the program's directory does hold them.
    expect(new Set(hits.map((h) => h.needle))).toEqual(new Set(NAMES));
  });
});
