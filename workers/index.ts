import { createApp } from "../src/http/app.ts";

export { ProgramDirectory } from "./program-directory.ts";
export { SessionRoom } from "./session-room.ts";

const app = createApp();

/** The Worker: the Hono app for HTTP; the cron arrives with the schedules issue. */
export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
