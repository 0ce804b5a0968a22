import { materializeAll } from "../src/directory/cron.ts";
import { createApp } from "../src/http/app.ts";

export { EventRelay } from "./event-relay.ts";
export { ProgramDirectory } from "./program-directory.ts";
export { SessionRoom } from "./session-room.ts";
export { VideoAccount } from "./video-account.ts";

const app = createApp();

/** The Worker: the Hono app for HTTP, and the cron that rolls every program's sessions forward. */
export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(materializeAll(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
