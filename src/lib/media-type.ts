/** `application/json` or any `application/…+json` (LiveKit's `webhook+json`, `problem+json`), parameters allowed. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** The one rule for "this body is JSON", shared by the API's 415 check and the calendar webhooks. */
export function isJsonMediaType(contentType: string | null | undefined): boolean {
  return contentType != null && JSON_MEDIA_TYPE.test(contentType);
}
