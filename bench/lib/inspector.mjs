// wrangler dev's inspector proxy (Chrome DevTools protocol), from the harness's side: the CPU
// profile of `npm run bench:profile` and the heap figures of `npm run soak`. While a client is
// connected, wrangler's InspectorProxyWorker forwards the runtime's messages instead of keeping
// them in an array for a DevTools window that never comes.

/**
 * A minimal CDP client through wrangler's inspector proxy, which lets in local DevTools only: it
 * wants an `Origin` on localhost (undici's WebSocket takes extra headers in its init object).
 * workerd reads inspector commands only while the isolate has work, so every command goes out
 * with a `GET /healthz` to `base` beside it.
 */
export async function inspector(port, base) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (!url) throw new Error(`wrangler's inspector on port ${port} lists no target`);
  const ws = new WebSocket(url, { headers: { Origin: "http://localhost" } });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const waiting = new Map();
  ws.onmessage = (m) => {
    if (waiting.size === 0) return; // an event, and nobody waits for an answer: drop it unread
    const msg = JSON.parse(m.data);
    if (msg.id && waiting.has(msg.id)) {
      waiting.get(msg.id)(msg);
      waiting.delete(msg.id);
    }
  };
  let closed = null;
  ws.onclose = () => {
    closed = new Error("the inspector connection closed");
    for (const answer of waiting.values()) answer({ error: closed.message });
    waiting.clear();
  };
  const wake = () => fetch(`${base}/healthz`).then((r) => r.arrayBuffer());
  /** Send a command; its answer, or a rejection when it fails, the connection closes or 30 s pass. */
  const send = async (method, params = {}) => (await Promise.all([command(method, params), wake()]))[0];
  const command = (method, params) =>
    new Promise((resolve, reject) => {
      if (closed) return reject(closed);
      const n = ++id;
      const timer = setTimeout(() => {
        waiting.delete(n);
        reject(new Error(`${method}: no answer from the inspector in 30 s`));
      }, 30_000);
      waiting.set(n, (msg) => {
        clearTimeout(timer);
        if (msg.error) reject(new Error(`${method}: ${JSON.stringify(msg.error)}`));
        else resolve(msg.result);
      });
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  return { send, close: () => ws.close(), title: url };
}

/**
 * The live size of the Worker's JavaScript heap: V8's used heap right after a full collection,
 * forced through the inspector. This is what a leak in the product's code would grow (its Worker
 * and both Durable Object classes share the one isolate here); garbage not yet collected is not.
 */
export async function liveHeapBytes(client) {
  await client.send("HeapProfiler.collectGarbage");
  return (await client.send("Runtime.getHeapUsage")).usedSize;
}
