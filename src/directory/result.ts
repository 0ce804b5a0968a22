import type { ProblemType } from "../http/problem.ts";

/** A failed directory operation: a problem type the route answers with, a detail, and field errors. */
export interface Failure {
  ok: false;
  reason: Extract<ProblemType, "invalid-request" | "not-found" | "conflict" | "group-full" | "gone" | "forbidden">;
  detail: string;
  errors?: { path: string; message: string }[];
  extras?: Record<string, unknown>;
}

/** The outcome of a directory operation, plain data so it crosses the Durable Object RPC boundary. */
export type Result<T> = ({ ok: true } & T) | Failure;

/** Shorthand for a failure. */
export function fail(reason: Failure["reason"], detail: string, more: Partial<Failure> = {}): Failure {
  return { ok: false, reason, detail, ...more };
}
