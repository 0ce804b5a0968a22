// The burst: more clients than seats ask to join many groups at the same instant. The answers
// are counted per group, then each room is asked who is in it.
import { pool, quantile, sleep } from "./util.mjs";

/** POST a join; a network failure counts as status 0 rather than aborting the burst. */
async function join(base, sessionId, token) {
  const started = performance.now();
  try {
    const res = await fetch(`${base}/v1/sessions/${sessionId}/join`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  } catch {
    return { status: 0, ms: performance.now() - started };
  }
}

/** GET as the session's facilitator; the parsed body, or null on any failure. */
async function staffGet(base, path, token) {
  try {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

/**
 * Who holds a seat according to the room: clients on the live roster with presence. Without a
 * roster, ask every client again: a seated client keeps their seat (200), a refused one gets 409.
 */
async function seatedInRoom(base, group, token) {
  const roster = await staffGet(base, `/v1/sessions/${group.sessionId}/attendance`, group.facilitatorToken);
  if (roster?.participants) {
    const seated = roster.participants.filter((p) => p.role === "client" && p.intervals.length > 0);
    return { source: "roster", seated: new Set(seated.map((p) => p.participantId)), fiveXx: 0 };
  }
  const again = await pool(group.clients, 4, (c) => join(base, group.sessionId, token(c)));
  const seated = new Set(group.clients.filter((_, k) => again[k].status === 200));
  return { source: "rejoin", seated, fiveXx: again.filter((a) => a.status >= 500 || a.status === 0).length };
}

const count = (answers, pred) => answers.filter((a) => pred(a.status)).length;

/**
 * Fire `perGroup` distinct clients at each of `groups` sessions at once. Then per group: who the
 * room says is seated, whether a client who never asked is refused, and the cap the session shows.
 */
export async function burst(base, world, { groups, perGroup, cap, spreadMs = 0 }) {
  const plan = world.sessions.slice(0, groups).map((s, g) => ({
    ...s,
    clients: world.clientIds.slice(g * perGroup, (g + 1) * perGroup),
    // A client of the next group: never asked this one during the burst.
    fresh: world.clientIds[((g + 1) % groups) * perGroup],
  }));
  const token = (id) => world.clientTokens.get(id);

  const started = performance.now();
  // spreadMs > 0: each client joins at a random instant within it (the 09:00 rush), else all at once.
  const at = (fn) => (spreadMs > 0 ? sleep(Math.random() * spreadMs).then(fn) : fn());
  const fired = await Promise.all(
    plan.map((g) => Promise.all(g.clients.map((c) => at(() => join(base, g.sessionId, token(c)))))),
  );
  const wallMs = performance.now() - started;

  const checks = await pool(plan, 4, async (g, i) => {
    const first = fired[i];
    const room = await seatedInRoom(base, g, token);
    const fresh = await join(base, g.sessionId, token(g.fresh));
    const session = await staffGet(base, `/v1/sessions/${g.sessionId}`, g.facilitatorToken);
    const admitted = new Set(g.clients.filter((_, k) => first[k].status === 200));
    return {
      sessionId: g.sessionId,
      cap: session?.cap ?? null,
      requests: first.length,
      admitted: admitted.size,
      full: count(first, (s) => s === 409),
      fiveXx: count(first, (s) => s >= 500),
      netErrors: count(first, (s) => s === 0),
      other: count(first, (s) => s !== 200 && s !== 409 && s < 500 && s !== 0),
      seatedSource: room.source,
      seatedInRoom: room.seated.size,
      sameClients: admitted.size === room.seated.size && [...admitted].every((c) => room.seated.has(c)),
      checkFiveXx: room.fiveXx + (fresh.status >= 500 || fresh.status === 0 ? 1 : 0),
      freshStatus: fresh.status,
    };
  });

  const latencies = fired
    .flat()
    .map((a) => a.ms)
    .sort((a, b) => a - b);
  const expected = Math.min(perGroup, cap);
  const exact = checks.every(
    (c) => c.admitted === expected && c.seatedInRoom === expected && c.sameClients && c.cap === cap,
  );
  const sum = (key) => checks.reduce((s, c) => s + c[key], 0);
  const fiveXx = sum("fiveXx") + sum("checkFiveXx");
  const refusedWhenFull = perGroup < cap || checks.every((c) => c.freshStatus === 409);
  return {
    groups,
    perGroup,
    cap,
    requests: groups * perGroup,
    spreadMs,
    wallMs: Math.round(wallMs),
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    admitted: sum("admitted"),
    full: sum("full"),
    other: sum("other"),
    fiveXx,
    netErrors: sum("netErrors"),
    exact,
    refusedWhenFull,
    pass: exact && refusedWhenFull && fiveXx === 0 && sum("netErrors") === 0,
    perGroupCounts: checks,
  };
}
