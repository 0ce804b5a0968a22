/** Why a delivery was refused; precise for the log, never echoed to the sender in detail. */
export type VerifyReason =
  | "missing-header"
  | "malformed-header"
  | "unsigned"
  | "no-secret"
  | "bad-signature"
  | "stale"
  | "malformed-body";

/** A refused delivery: 400 when the request is malformed, 401 when it is not authentic. */
export type VerifyFailure = { ok: false; reason: VerifyReason; status: 400 | 401 };

/** An authentic delivery; dedupe on `(source, deliveryId)`: ids are unique per source, not across sources. */
export type VerifySuccess = { ok: true; deliveryId: string; timestamp?: number };

/** What every verifier returns; `T` carries source-specific facts learnt while verifying. */
export type VerifyResult<T extends object = object> = (VerifySuccess & T) | VerifyFailure;

/** What every HMAC verifier takes. `now` is epoch ms from the injected clock. */
export interface VerifyInput {
  rawBody: Uint8Array | string;
  headers: Headers;
  /** Every currently valid secret; during rotation, old and new. Any one matching suffices. */
  secrets: readonly string[];
  now: number;
}

/** Build a refusal. */
export function refuse(reason: VerifyReason, status: 400 | 401): VerifyFailure {
  return { ok: false, reason, status };
}

/** Seconds since the epoch of `s` when it is a plain decimal integer, else null. */
export function parseUnixSeconds(s: string): number | null {
  if (!/^[0-9]{1,12}$/.test(s)) return null;
  return Number(s);
}

/** True when `seconds` lies within `toleranceSeconds` of `now` (ms), in either direction. */
export function withinTolerance(seconds: number, now: number, toleranceSeconds: number): boolean {
  return Math.abs(Math.floor(now / 1000) - seconds) <= toleranceSeconds;
}
