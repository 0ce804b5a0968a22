import type { MiddlewareHandler } from "hono";
import { isJsonMediaType } from "../../lib/media-type.ts";
import { ApiError } from "../problem.ts";
import type { AppEnv } from "../types.ts";

const WITH_BODY = new Set(["POST", "PUT", "PATCH"]);
// Webhook senders decide their own content types (Graph's handshake is text/plain, Google sends no
// body): those routes check the type themselves, per source.
const WEBHOOKS = "/v1/webhooks/";

/** Refuse a request body that is not JSON with 415, before anything parses it. */
export function jsonOnly(): MiddlewareHandler<AppEnv> {
  return async function jsonOnly(c, next) {
    if (WITH_BODY.has(c.req.method) && !c.req.path.startsWith(WEBHOOKS)) {
      const type = c.req.header("content-type");
      const length = Number(c.req.header("content-length") ?? "0");
      if (type === undefined ? length > 0 : !isJsonMediaType(type)) {
        throw new ApiError("unsupported-media-type", "Send the body as application/json.");
      }
      // Declared empty (a join without a check-in name): say so, or the OpenAPI validator clones
      // the request and reads its stream to find out, on every such call.
      if (type === undefined && c.req.header("content-length") === "0" && c.req.raw.body !== null) {
        c.req.raw = new Request(c.req.raw, { body: null });
      }
    }
    await next();
  };
}
