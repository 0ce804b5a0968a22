import { createRoute, z } from "@hono/zod-openapi";
import { json, problems } from "../responses.ts";
import { newRouter } from "../router.ts";

const Health = z.object({ status: z.literal("ok") });
const Jwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });

/** Liveness and the public keys of the product's signing keys. */
export function systemRoutes() {
  return newRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/healthz",
        operationId: "getHealth",
        tags: ["system"],
        summary: "Liveness",
        security: [],
        responses: { 200: json(Health, "The Worker answers"), "4XX": problems["4XX"] },
      }),
      (c) => c.json({ status: "ok" as const }, 200),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/.well-known/jwks.json",
        operationId: "getSigningKeys",
        tags: ["system"],
        summary: "Public keys that verify the product's tokens",
        security: [],
        responses: { 200: json(Jwks, "JWK set (RFC 7517)"), "4XX": problems["4XX"] },
      }),
      async (c) => {
        const ring = await c.var.services.keyRing();
        c.header("cache-control", "public, max-age=300");
        return c.json({ keys: ring.publicJwks.keys as Record<string, unknown>[] }, 200);
      },
    );
}
