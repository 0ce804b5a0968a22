import type { Problem } from "../../schemas/problem.ts";

/** The closed set of problem types this API answers with, and the status of each. */
export const PROBLEM_TYPES = {
  "invalid-request": { status: 400, title: "The request is invalid" },
  unauthorized: { status: 401, title: "Authentication required" },
  forbidden: { status: 403, title: "Not allowed" },
  // A participant the facilitator removed: refused for good, and told so (the join page says it).
  removed: { status: 403, title: "Removed from this session" },
  "not-found": { status: 404, title: "Not found" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "Conflict with the current state" },
  "group-full": { status: 409, title: "The group is full" },
  "outside-window": { status: 409, title: "Outside the join window" },
  gone: { status: 410, title: "No longer available" },
  "payload-too-large": { status: 413, title: "Request body too large" },
  "unsupported-media-type": { status: 415, title: "Unsupported media type" },
  "upgrade-required": { status: 426, title: "WebSocket upgrade required" },
  "rate-limited": { status: 429, title: "Too many requests" },
  internal: { status: 500, title: "Internal error" },
  unavailable: { status: 503, title: "Temporarily unavailable" },
} as const;

export type ProblemType = keyof typeof PROBLEM_TYPES;

/** Problem `type` URI; relative, resolved against the API's own origin (RFC 9457 §3.1.1). */
export function problemTypeUri(type: ProblemType): string {
  return `/problems/${type}`;
}

/** Thrown by routes and middleware; `onError` renders it as problem+json. */
export class ApiError extends Error {
  readonly type: ProblemType;
  readonly extras: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    type: ProblemType,
    detail?: string,
    extras: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(detail ?? PROBLEM_TYPES[type].title);
    this.name = "ApiError";
    this.type = type;
    this.extras = extras;
    this.headers = headers;
  }
}

/** Build the RFC 9457 body for a problem type. */
export function problemBody(
  type: ProblemType,
  detail: string | undefined,
  extras: Record<string, unknown> = {},
): Problem {
  const { status, title } = PROBLEM_TYPES[type];
  return { type: problemTypeUri(type), title, status, ...(detail ? { detail } : {}), ...extras };
}

/** A complete problem+json response. */
export function problemResponse(
  type: ProblemType,
  detail?: string,
  extras: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const body = problemBody(type, detail, extras);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}
