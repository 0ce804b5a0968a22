// A small client for the running Worker, used by the demo seed: JSON in, JSON out, bearer token.

/**
 * Calls `base` with `token`. `api(method, path, body)` throws with the problem body on a non-2xx
 * answer; `api.raw(...)` answers `{ status, body }` for callers that handle refusals themselves.
 */
export function apiClient(base, token) {
  const raw = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  };
  const api = async (method, path, body) => {
    const res = await raw(method, path, body);
    if (res.status < 200 || res.status > 299) {
      throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body;
  };
  api.raw = raw;
  return api;
}

/** An instant as the API writes it: ISO-8601 UTC to the second. */
export function isoSeconds(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
