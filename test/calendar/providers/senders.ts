import { AccessToken } from "livekit-server-sdk";
import { Webhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";

// Signatures made the way each sender makes them, written here apart from src/calendar/providers so that a
// shared mistake cannot make both sides agree. (The Standard Webhooks package even brings its own
// pure-JS HMAC, an independent check on the WebCrypto path.)

const enc = new TextEncoder();

async function hmac(secret: string, message: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(message)));
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** Headers of a Standard Webhooks delivery signed by the official `standardwebhooks` package. */
export function standardHeaders(secret: string, id: string, seconds: number, body: string): Headers {
  const signature = new Webhook(secret).sign(id, new Date(seconds * 1000), body);
  return new Headers({ "webhook-id": id, "webhook-timestamp": String(seconds), "webhook-signature": signature });
}

/**
 * Svix's own delivery headers, signed by the `svix` package: `svix-id`, `svix-timestamp`,
 * `svix-signature`, the names Svix sends unless its customer pays for the `webhook-*` prefix.
 */
export function svixHeaders(secret: string, id: string, seconds: number, body: string): Headers {
  const signature = new SvixWebhook(secret).sign(id, new Date(seconds * 1000), body);
  return new Headers({ "svix-id": id, "svix-timestamp": String(seconds), "svix-signature": signature });
}

/** Cal.com: hex HMAC-SHA256 of the body under the webhook secret. */
export async function calcomHeaders(secret: string, body: string): Promise<Headers> {
  return new Headers({ "x-cal-signature-256": hex(await hmac(secret, body)) });
}

/** Calendly: `t=<unix s>,v1=<hex HMAC-SHA256 of "t.body">`. */
export async function calendlyHeaders(secret: string, seconds: number, body: string): Promise<Headers> {
  const v1 = hex(await hmac(secret, `${seconds}.${body}`));
  return new Headers({ "calendly-webhook-signature": `t=${seconds},v1=${v1}` });
}

/** LiveKit: the server's AccessToken (valid five minutes) with the body's base64 SHA-256 as `sha256`. */
export async function livekitAuthorization(apiKey: string, apiSecret: string, body: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(body)));
  const at = new AccessToken(apiKey, apiSecret, { ttl: "5m" });
  at.sha256 = btoa(String.fromCharCode(...digest));
  return at.toJwt();
}
