// After the burst: did every join answered by the API leave its entry in the program's audit
// trail? The product appends audit entries after the response (waitUntil), so a busy server could
// lose them silently; this counts them. Informational: it does not decide PASS or FAIL.
import { sleep } from "./util.mjs";

/** Read the whole audit trail of a program, page by page. */
async function readAudit(base, adminToken, programId) {
  const entries = [];
  let after = 0;
  let chain = null;
  for (let page = 0; page < 1000; page++) {
    const res = await fetch(`${base}/v1/programs/${programId}/audit?after=${after}&limit=500`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    if (!res.ok) return { available: false, status: res.status };
    const body = await res.json();
    entries.push(...body.entries);
    chain = body.chain;
    if (body.next === null) break;
    after = body.next;
  }
  return { available: true, entries, chain };
}

/**
 * Count `room.join` entries for the given sessions, waiting (up to `settleMs`) for writes still in
 * flight after their responses; `expected` is how many join answers those sessions gave.
 */
export async function auditJoins(base, adminToken, programId, sessionIds, expected, settleMs = 10_000) {
  const wanted = new Set(sessionIds);
  const started = Date.now();
  const deadline = started + settleMs;
  let found = 0;
  let read;
  for (;;) {
    read = await readAudit(base, adminToken, programId);
    if (!read.available) return { available: false, status: read.status };
    found = read.entries.filter((e) => e.action === "room.join" && wanted.has(e.session ?? e.object)).length;
    if (found >= expected || Date.now() > deadline) break;
    await sleep(1000);
  }
  // How long after the last answer the trail caught up: entries are written after the response.
  const settledMs = found >= expected ? Date.now() - started : null;
  return { available: true, expected, found, missing: expected - found, settledMs, chain: read.chain };
}
