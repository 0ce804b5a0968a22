import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { entryHash, GENESIS } from "../../src/audit/chain.ts";
import { groupSession } from "../rooms/fixtures.ts";

type Session = Awaited<ReturnType<typeof groupSession>>;

/**
 * The trail is tamper-evident to the last entry (issue 15): its SQLite is edited by hand inside
 * workerd, as someone with the storage files could, and every edit is reported with its position
 * in the JSON page and in the CSV export, against the head signed into Workers KV.
 */
describe("a tampered audit trail", () => {
  /** A program with a dozen entries, its head checkpointed. */
  async function trail() {
    const s = await groupSession({ clients: 2 });
    await s.open();
    await s.call("DELETE", `/v1/sessions/${s.sessionId}/participants/${s.clients[0]}`, { token: s.facilitator });
    const dir = env.PROGRAMS.getByName(s.programId);
    const checkpoint = await dir.checkpointAudit();
    expect(checkpoint?.seq).toBeGreaterThanOrEqual(8);
    return { ...s, dir, length: checkpoint?.seq ?? 0 };
  }
  const sql = (s: { dir: ReturnType<typeof env.PROGRAMS.getByName> }, statement: string) =>
    runInDurableObject(s.dir, (_i, state) => {
      state.storage.sql.exec(statement);
    });
  const read = async (s: Session, query = "") => {
    const json = await s.call("GET", `/v1/programs/${s.programId}/audit?limit=500${query}`, { token: s.admin });
    const csv = await s.call("GET", `/v1/programs/${s.programId}/audit?limit=500${query}`, {
      token: s.admin,
      headers: { accept: "text/csv" },
    });
    return { json: json.body, csv: { text: csv.text, chain: csv.headers.get("audit-chain") ?? "" } };
  };

  it("an untouched trail verifies, names its signed head, and marks every CSV row verified", async () => {
    const s = await trail();
    const { json, csv } = await read(s);
    expect(json.chain).toMatchObject({ valid: true, brokenAt: null, problem: null, length: s.length });
    expect(json.chain.checkpoint).toMatchObject({ seq: s.length });
    expect(json.chain.checkpoint.jws.split(".")).toHaveLength(3);
    expect(csv.chain).toMatch(/^valid; length=/);
    const rows = csv.text.trim().split("\r\n").slice(1);
    expect(rows.every((r) => r.endsWith(",verified"))).toBe(true);
  });

  it("an edited entry is reported at its position", async () => {
    const s = await trail();
    await sql(s, "UPDATE audit SET outcome = 'ok-edited' WHERE seq = 4");
    const { json, csv } = await read(s);
    expect(json.chain).toMatchObject({ valid: false, brokenAt: 4, problem: "edited" });
    expect(csv.chain).toContain("broken; at=4; problem=edited");
    const marks = csv.text
      .trim()
      .split("\r\n")
      .slice(1)
      .map((r) => [Number(r.split(",")[0]), r.split(",").at(-1)]);
    expect(marks.filter(([, m]) => m === "BROKEN").map(([seq]) => seq)[0]).toBe(4);
    expect(marks.filter(([seq]) => Number(seq) < 4).every(([, m]) => m === "verified")).toBe(true);
  });

  it("a deleted entry in the middle is reported where it is missing", async () => {
    const s = await trail();
    await sql(s, "DELETE FROM audit WHERE seq = 5");
    const { json, csv } = await read(s);
    expect(json.chain).toMatchObject({ valid: false, brokenAt: 5, problem: "missing" });
    expect(csv.chain).toContain("broken; at=5; problem=missing");
  });

  it("two entries swapped are reported at the first of them", async () => {
    const s = await trail();
    await sql(s, "UPDATE audit SET seq = 1000 WHERE seq = 3");
    await sql(s, "UPDATE audit SET seq = 3 WHERE seq = 4");
    await sql(s, "UPDATE audit SET seq = 4 WHERE seq = 1000");
    const { json, csv } = await read(s);
    expect(json.chain).toMatchObject({ valid: false, brokenAt: 3, problem: "reordered" });
    expect(csv.chain).toContain("at=3; problem=reordered");
  });

  it("entries cut off the end are reported as truncated, and a number reused afterwards still shows", async () => {
    const s = await trail();
    await sql(s, `DELETE FROM audit WHERE seq > ${s.length - 2}`);
    const first = await read(s);
    expect(first.json.chain).toMatchObject({ valid: false, brokenAt: s.length - 1, problem: "truncated" });
    expect(first.csv.chain).toContain("problem=truncated");
    // The reads themselves were recorded, reusing the cut-off numbers: the signed head still disagrees.
    const again = await read(s);
    expect(again.json.chain.valid).toBe(false);
    expect(again.json.chain.brokenAt).toBeLessThanOrEqual(s.length);
    // And no new checkpoint launders the cut: the signed head stays where it was.
    expect(await s.dir.checkpointAudit()).toBeNull();
    expect((await read(s)).json.chain.checkpoint.seq).toBe(s.length);
  });

  it("a rewrite that recomputes every later hash is caught by the signed head", async () => {
    const s = await trail();
    await runInDurableObject(s.dir, (_i, state) => {
      const rows = state.storage.sql
        .exec<Record<string, string | number>>("SELECT * FROM audit ORDER BY seq")
        .toArray();
      let prev = GENESIS;
      for (const r of rows) {
        const outcome = r.seq === 3 ? "rewritten" : String(r.outcome);
        const e = {
          actor: String(r.actor),
          action: String(r.action),
          object: String(r.object),
          outcome,
          ...(r.session ? { session: String(r.session) } : {}),
          ...(r.request_id ? { requestId: String(r.request_id) } : {}),
          ...(r.occurred_at ? { occurredAt: String(r.occurred_at) } : {}),
        };
        const hash = entryHash(prev, Number(r.seq), String(r.at), e);
        state.storage.sql.exec(
          "UPDATE audit SET outcome = ?, prev = ?, hash = ? WHERE seq = ?",
          outcome,
          prev,
          hash,
          r.seq,
        );
        prev = hash;
      }
    });
    const { json, csv } = await read(s);
    expect(json.chain).toMatchObject({ valid: false, brokenAt: s.length, problem: "checkpoint-mismatch" });
    expect(csv.chain).toContain("problem=checkpoint-mismatch");
  });

  it("a checkpoint not signed with the product's key is refused", async () => {
    const s = await trail();
    const [header, payload] = (await read(s)).json.chain.checkpoint.jws.split(".");
    await env.ATTENDANCE.put(`audit-head:${s.programId}`, `${header}.${payload}.${"A".repeat(86)}`);
    const { json } = await read(s);
    expect(json.chain).toMatchObject({ valid: false, problem: "checkpoint-forged", checkpoint: null });
  });

  it("a page is verified from the nearest signed anchor; verify=full re-hashes the whole trail", async () => {
    const s = await trail();
    const filler = Array.from({ length: 600 }, (_, i) => ({
      actor: "adm_1",
      action: "attendance.read",
      object: s.programId,
      outcome: `filler:${i}`,
    }));
    await s.dir.appendAudit(filler, new Date().toISOString().replace(/\.\d+Z$/, "Z"));
    await s.dir.checkpointAudit();
    const late = (await s.call("GET", `/v1/programs/${s.programId}/audit?after=550&limit=20`, { token: s.admin })).body;
    expect(late.chain.valid).toBe(true);
    expect(late.chain.verified).toEqual({ from: 501, to: 570 });
    // An edit before the anchor is outside that page's check, and inside the full one.
    await sql(s, "UPDATE audit SET outcome = 'edited' WHERE seq = 7");
    const page = (await s.call("GET", `/v1/programs/${s.programId}/audit?after=550&limit=20`, { token: s.admin })).body;
    expect(page.chain.valid).toBe(true);
    const full = (
      await s.call("GET", `/v1/programs/${s.programId}/audit?after=550&limit=20&verify=full`, { token: s.admin })
    ).body;
    expect(full.chain).toMatchObject({ valid: false, brokenAt: 7, problem: "edited", verified: { from: 1 } });
  });
});
