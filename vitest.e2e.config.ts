import { defineConfig } from "vitest/config";

// Browser tests: Node drives Debian's Chromium (playwright-core) against `wrangler dev`, which the
// global setup starts on a free port and stops afterwards. Not the workers pool: the browser and
// the dev server are processes of their own. Run with `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/e2e/global-setup.mjs"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
