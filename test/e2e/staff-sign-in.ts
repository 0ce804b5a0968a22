import type { Page } from "playwright-core";
import { expect, inject } from "vitest";

const WAIT = { timeout: 15_000 };

/**
 * Staff sign in as a clinic's staff do: the console's "Sign in with your clinic's account" button,
 * the clinic's OpenID provider (the local stand-in, told which account signs in, as its login form
 * would be), and back to the console with the session cookie.
 */
export async function signInThroughOidc(
  page: Page,
  account: { staffId: string; programId?: string; roles: string[] },
): Promise<void> {
  const { base, oidcIssuer } = inject("e2e");
  const chose = await fetch(`${oidcIssuer}/test/sign-in-as`, {
    method: "POST",
    body: JSON.stringify({
      sub: account.staffId,
      roles: account.roles,
      ...(account.programId ? { program: account.programId } : {}),
    }),
  });
  expect(chose.status).toBe(204);
  await page.goto(`${base}/console`);
  await page.getByRole("link", { name: "Sign in with your clinic's account" }).click();
  await page.waitForURL(`${base}/console`, WAIT);
}
