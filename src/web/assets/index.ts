import { COMMON_JS } from "./common-script.ts";
import { CONSOLE_ROOM_JS } from "./console-room-script.ts";
import { CONSOLE_JS } from "./console-script.ts";
import { CONSOLE_SUMMARY_JS } from "./console-summary-script.ts";
import { JOIN_LIST_JS } from "./join-list-script.ts";
import { JOIN_ROOM_JS } from "./join-room-script.ts";
import { APP_CSS } from "./styles.ts";

/** A file the Worker serves under `/assets/`: its body and media type. */
export interface Asset {
  body: string;
  type: string;
}

const js = (body: string): Asset => ({ body, type: "text/javascript; charset=utf-8" });

/**
 * Everything the pages load, by file name. Served by the Worker itself (no CDN, no build step),
 * so the pages work offline from the internet and under a `'self'`-only policy.
 */
export const ASSETS: Readonly<Record<string, Asset>> = {
  "app.css": { body: APP_CSS, type: "text/css; charset=utf-8" },
  "common.js": js(COMMON_JS),
  "join-list.js": js(JOIN_LIST_JS),
  "join-room.js": js(JOIN_ROOM_JS),
  "console.js": js(CONSOLE_JS),
  "console-room.js": js(CONSOLE_ROOM_JS),
  "console-summary.js": js(CONSOLE_SUMMARY_JS),
};
