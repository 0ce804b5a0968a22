import { Problem } from "../../schemas/problem.ts";

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: Problem } },
});

/** OpenAPI descriptions of the problem answers a route may give. */
export const problems = {
  400: problem("Invalid request: see `errors`"),
  401: problem("Missing or invalid bearer token"),
  403: problem("Not allowed for this role or program"),
  404: problem("Not found"),
  409: problem("Conflict with the current state"),
  410: problem("Cancelled or ended"),
  413: problem("Body too large"),
  415: problem("Body is not JSON"),
  426: problem("Not a WebSocket upgrade: send `Upgrade: websocket`"),
  429: problem("Rate limited"),
  500: problem("Something went wrong on our side: logged, with no detail in the answer"),
  503: problem("Temporarily unavailable; retry after `Retry-After`"),
  // An endpoint with no client error of its own still says what shape one would have.
  "4XX": problem("Any client error: this endpoint has none of its own"),
  default: problem("Any other answer is a problem"),
} as const;

/** A JSON body in OpenAPI terms. */
export function json<T>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** A required JSON request body. */
export function jsonBody<T>(schema: T) {
  return { body: { required: true, content: { "application/json": { schema } } } };
}
