import type { AuditChainStatus, AuditPage } from "../../schemas/audit.ts";
import { csvField } from "../attendance/csv.ts";

/** The chain's status as response headers: `Audit-Chain: valid` or `broken; at=N; problem=…`, and the signed head. */
export function chainHeaders(chain: AuditChainStatus): Record<string, string> {
  const status = chain.valid
    ? `valid; length=${chain.length}`
    : `broken; at=${chain.brokenAt ?? "unknown"}; problem=${chain.problem}; length=${chain.length}`;
  return { "audit-chain": status, ...(chain.checkpoint ? { "audit-checkpoint": chain.checkpoint.jws } : {}) };
}

/**
 * A page of the trail as CSV. Every row says whether the chain holds up to it (`verified`) or is
 * broken at or before it (`BROKEN`), so a spreadsheet of a tampered trail cannot look clean.
 */
export function auditCsv(page: AuditPage): string {
  const { brokenAt, valid } = page.chain;
  const header = "seq,at,actor,action,object,session,outcome,request_id,occurred_at,prev,hash,chain";
  const rows = page.entries.map((e) => {
    const mark = valid ? "verified" : brokenAt === null || e.seq >= brokenAt ? "BROKEN" : "verified";
    return [
      e.seq,
      e.at,
      e.actor,
      e.action,
      e.object,
      e.session ?? "",
      e.outcome,
      e.requestId ?? "",
      e.occurredAt ?? "",
      e.prev,
      e.hash,
      mark,
    ]
      .map(csvField)
      .join(",");
  });
  return `${[header, ...rows].join("\r\n")}\r\n`;
}
