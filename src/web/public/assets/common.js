// @ts-check
/** The console's CSRF token while it is signed in by the session cookie (GET /auth/session). */
let sessionCsrf = null;
/** Sign in by the HttpOnly session cookie: calls without a token send it, with this CSRF token. */
export function useSessionCookie(csrf) {
  sessionCsrf = csrf;
}

export async function api(method, path, token, body) {
  const headers = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  // Without a token the browser sends the session cookie (if any); a change also carries the CSRF token.
  const cookie = !token && sessionCsrf !== null;
  if (cookie && !["GET", "HEAD"].includes(method)) headers["x-csrf-token"] = sessionCsrf;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: cookie || path.startsWith("/auth/") ? "same-origin" : "omit",
    });
  } catch {
    return { status: 0, body: null };
  }
  let parsed = null;
  try {
    parsed = await res.json();
  } catch {}
  return { status: res.status, body: parsed };
}

export const tokenStore = (key) => ({
  get() {
    try {
      return sessionStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(value) {
    try {
      sessionStorage.setItem(key, value);
    } catch {}
  },
  clear() {
    try {
      sessionStorage.removeItem(key);
    } catch {}
  },
});

export function decodeJwt(token) {
  const part = typeof token === "string" ? token.split(".")[1] : undefined;
  if (!part) return null;
  try {
    const b64 = part
      .replace(/-/g, "+")
      .replace(/_/g, "/")
      .padEnd(Math.ceil(part.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder().decode(bytes));
    return payload && typeof payload === "object" ? payload : null;
  } catch {
    return null;
  }
}

export function usableToken(token) {
  const claims = decodeJwt(token);
  if (!claims || typeof claims.sub !== "string" || typeof claims.exp !== "number") return null;
  return claims.exp * 1000 > Date.now() + 30000 ? claims : null;
}

export function openLive(sessionId, token, handlers) {
  let socket = null;
  let stopped = false;
  let attempt = 0;
  let timer = null;
  const url =
    (location.protocol === "https:" ? "wss://" : "ws://") +
    location.host +
    "/v1/sessions/" +
    encodeURIComponent(sessionId) +
    "/live";
  const connect = () => {
    if (stopped) return;
    // Signed in by cookie (no token): the browser sends it with the handshake, and the server checks the Origin.
    socket = new WebSocket(url, token ? ["iop.v1", `bearer.${token}`] : ["iop.v1"]);
    socket.addEventListener("open", () => {
      attempt = 0;
      handlers.onState?.("open");
    });
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string" || event.data === "pong") return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message && typeof message.type === "string") handlers.onMessage(message);
    });
    socket.addEventListener("close", () => {
      if (stopped) return;
      handlers.onState?.("reconnecting");
      // Back off so a closed room or a lost network is not hammered; this only reconnects, it never polls.
      const delay = Math.min(30000, 1000 * 2 ** attempt) * (0.75 + Math.random() / 2);
      attempt += 1;
      timer = setTimeout(connect, delay);
    });
  };
  connect();
  return {
    close() {
      stopped = true;
      clearTimeout(timer);
      try {
        socket?.close(1000, "bye");
      } catch {}
      handlers.onState?.("closed");
    },
  };
}

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric" });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const zonedTimeFormat = new Intl.DateTimeFormat(undefined, {
  hour: "numeric",
  minute: "2-digit",
  timeZoneName: "short",
});
const dateKey = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" });

export const formatDay = (d) => dayFormat.format(d);
export const formatTime = (d) => timeFormat.format(d);
// Not Intl's formatRange: across midnight it repeats both full dates, which reads badly on a phone.
export function formatTimeRange(a, b) {
  const nextDay = dateKey.format(a) !== dateKey.format(b);
  return `${timeFormat.format(a)} – ${zonedTimeFormat.format(b)}${nextDay ? " (next day)" : ""}`;
}
export const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function formatDuration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d + (d === 1 ? " day " : " days ") + h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m >= 5) return `${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s % 60} s`;
}

export function formatMinutes(total) {
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export const KIND_LABEL = { group: "Group session", individual: "Individual session", family: "Family session" };

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

export function show(node, visible) {
  node.hidden = !visible;
}

/**
 * The page's element with this id, of the kind expected. The shell renders every id its script
 * uses, so a missing one is a bug: it throws rather than failing later on null.
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @param {{ new (): T }} [kind]
 * @returns {T}
 */
export function byId(id, kind) {
  const node = document.getElementById(id);
  if (!node || (kind && !(node instanceof kind))) throw new Error(`#${id} is missing from the page`);
  return /** @type {T} */ (node);
}

export function keepFocus(fallback) {
  const active = /** @type {HTMLElement | null} */ (document.activeElement);
  if (
    !active ||
    active === document.body ||
    active.hidden ||
    active.closest("[hidden]") ||
    ("disabled" in active && active.disabled)
  ) {
    fallback.focus();
  }
}
