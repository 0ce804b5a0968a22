import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { globalFetch, type OutboundFetch } from "../auth/remote-keys.ts";
import { ConfigError, workerConfig } from "../config/worker-config.ts";
import { type Clock, systemClock } from "../lib/clock.ts";
import { log } from "../lib/log.ts";
import { webRoutes } from "../web/routes.tsx";
import { limitBody } from "./middleware/body-limit.ts";
import { jsonOnly } from "./middleware/json-only.ts";
import { requestLog } from "./middleware/request-log.ts";
import { services } from "./middleware/services.ts";
import { ApiError, type ProblemType, problemResponse } from "./problem.ts";
import { newRouter } from "./router.ts";
import { attendanceRoutes } from "./routes/attendance.ts";
import { auditRoutes } from "./routes/audit.ts";
import { calendarFeedRoutes } from "./routes/calendar-feeds.ts";
import { calendarWebhookRoutes } from "./routes/calendar-webhooks.ts";
import { registerDocs } from "./routes/docs.ts";
import { enrollmentRoutes } from "./routes/enrollments.ts";
import { eventEndpointRoutes } from "./routes/event-endpoints.ts";
import { integrationSecretRoutes } from "./routes/integration-secrets.ts";
import { integrationRoutes } from "./routes/integrations.ts";
import { introspectRoutes } from "./routes/introspect.ts";
import { inviteRoutes } from "./routes/invites.ts";
import { liveRoutes } from "./routes/live.ts";
import { livekitTokenRoutes } from "./routes/livekit-token.ts";
import { peopleRoutes } from "./routes/people.ts";
import { programRoutes } from "./routes/programs.ts";
import { roomRoutes } from "./routes/rooms.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { signInRoutes } from "./routes/sign-in.ts";
import { staffAuthRoutes } from "./routes/staff-auth.ts";
import { systemRoutes } from "./routes/system.ts";
import { trackRoutes } from "./routes/tracks.ts";
import { videoWebhookRoutes } from "./routes/video-webhooks.ts";

export interface AppOptions {
  /** Injected time; tests pass a manual clock. */
  clock?: Clock;
  /** How staff sign-in reaches the identity provider; tests pass a stand-in that speaks OpenID Connect. */
  outbound?: OutboundFetch;
}

const STATUS_TO_TYPE: Record<number, ProblemType> = {
  400: "invalid-request",
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  405: "method-not-allowed",
  409: "conflict",
  410: "gone",
  413: "payload-too-large",
  415: "unsupported-media-type",
  429: "rate-limited",
  503: "unavailable",
};

/** The one app factory: middleware, every route, the OpenAPI document and the error mapping. */
export function createApp(options: AppOptions = {}) {
  const app = newRouter();
  const clock = options.clock ?? systemClock;

  app.use("*", requestId());
  app.use("*", secureHeaders());
  app.use("*", requestLog());
  app.use(
    "*",
    cors({
      origin: (origin, c) => {
        return workerConfig(c.env).corsOrigins.includes(origin) ? origin : null;
      },
      allowHeaders: ["Authorization", "Content-Type"],
      exposeHeaders: ["X-Request-Id", "Retry-After"],
      maxAge: 600,
    }),
  );
  app.use("*", services(clock, options.outbound ?? globalFetch));
  // Turns the 404 of a path that exists under other methods into 405 with `Allow` (GET routes also
  // serve HEAD). A handler's own 404 for a method the path has, or a thrown error, stays as it is.
  app.use(
    "*",
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => {
        const allow = methods.join(", ");
        return problem(c.var.requestId, "method-not-allowed", `Use ${allow}.`, {}, { allow });
      },
    }),
  );
  app.use("/v1/*", limitBody());
  app.use("/v1/*", jsonOnly());

  app.route("/", systemRoutes());
  app.route("/", programRoutes());
  app.route("/", trackRoutes());
  app.route("/", sessionRoutes());
  app.route("/", enrollmentRoutes());
  app.route("/", peopleRoutes());
  app.route("/", roomRoutes());
  app.route("/", livekitTokenRoutes());
  app.route("/", attendanceRoutes());
  app.route("/", auditRoutes());
  app.route("/", introspectRoutes());
  app.route("/", videoWebhookRoutes());
  app.route("/", calendarWebhookRoutes());
  app.route("/", integrationRoutes());
  app.route("/", integrationSecretRoutes());
  app.route("/", eventEndpointRoutes());
  app.route("/", inviteRoutes());
  app.route("/", calendarFeedRoutes());
  app.route("/", signInRoutes());
  app.route("/", staffAuthRoutes());
  app.route("/", liveRoutes());
  registerDocs(app);
  app.route("/", webRoutes());

  app.notFound((c) => problem(c.var.requestId, "not-found", "No such resource."));

  app.onError((err, c) => {
    const rid = c.var.requestId;
    if (err instanceof ApiError) {
      return problem(rid, err.type, err.message, err.extras, err.headers);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const type = STATUS_TO_TYPE[err.status] ?? "invalid-request";
      const detail = err.status === 400 ? "The body is not valid JSON." : undefined;
      return problem(rid, type, detail);
    }
    if (err instanceof ConfigError) {
      // A deployment mistake: the variables' names go to the log, their values nowhere.
      log("error", "config.invalid", { requestId: rid, fields: err.fields.join(",") });
      return problem(rid, "unavailable", "The service is not configured correctly.", {}, { "retry-after": "60" });
    }
    if (isOverloaded(err)) {
      log("warn", "storage.unavailable", { requestId: rid, error: err.name });
      return problem(rid, "unavailable", "Please retry shortly.", {}, { "retry-after": "2" });
    }
    log("error", "request.failed", { requestId: rid, error: err.name, message: err.message.slice(0, 200) });
    return problem(rid, "internal", "Something went wrong on our side.");
  });

  return app;
}

/**
 * A Durable Object that threw (`remote`), is overloaded or asks for a retry: the client should
 * retry, not see a 500. Its methods check and write in one synchronous step, so a throw leaves
 * nothing half-written and no seat or token was handed out.
 */
function isOverloaded(err: Error): boolean {
  const e = err as { retryable?: boolean; overloaded?: boolean; remote?: boolean };
  return e.retryable === true || e.overloaded === true || e.remote === true;
}

/** problem+json carrying the request id in the body and header, so a report can be traced in the logs. */
function problem(
  rid: string | undefined,
  type: ProblemType,
  detail?: string,
  extras: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const ids = rid ? { requestId: rid } : {};
  return problemResponse(type, detail, { ...extras, ...ids }, { ...headers, ...(rid ? { "x-request-id": rid } : {}) });
}
