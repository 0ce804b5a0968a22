import { Hono } from "hono";
import type { AppEnv } from "../http/types.ts";

/** The client join page and the facilitator console (built out by the web pages issue). */
export function webRoutes() {
  return new Hono<AppEnv>();
}
