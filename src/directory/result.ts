import type { ProblemType } from "../http/problem.ts";

/**
 * A failed domain operation (a directory's, or a room's through the gateway): the problem type the
 * route answers with, a detail, field errors, extra members and headers. `unwrap` is its one mapping.
 */
export interface Failure {
  ok: false;
  reason: Extract<
    ProblemType,
    | "invalid-request"
    | "not-found"
    | "conflict"
    | "group-full"
    | "gone"
    | "forbidden"
    | "outside-window"
    | "removed"
    | "unavailable"
  >;
  detail: string;
  errors?: { path: string; message: string }[];
  extras?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The outcome of a directory operation, plain data so it crosses the Durable Object RPC boundary. */
export type Result<T> = ({ ok: true } & T) | Failure;

/** Shorthand for a failure. */
export function fail(reason: Failure["reason"], detail: string, more: Partial<Failure> = {}): Failure {
  return { ok: false, reason, detail, ...more };
}
