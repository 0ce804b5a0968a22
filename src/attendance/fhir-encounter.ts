/**
 * The attendance ledger as a FHIR R4 `collection` Bundle: one Encounter per client per session,
 * for an EHR to take into the clinical record. Pure: plain data in, plain JSON out.
 *
 * Choices, each against the R4 (4.0.1) text:
 * - `status`: R4's EncounterStatus has no no-show. A no-show (and an excused absence) is
 *   `cancelled`, "the Encounter has ended before it has begun" (codesystem-encounter-status);
 *   R4 says no-show only of an Appointment (`noshow`). The product's own status rides in the
 *   `attendance` extension, so `cancelled` for a no-show and for a cancelled session differ there.
 * - `class` VR (v3-ActCode, "virtual": patient and practitioner not in the same place).
 * - `type`: CPT (http://www.ama-assn.org/go/cpt) 90853 group, 90847 family with the patient,
 *   90832/90834/90837 individual by attended minutes (16–37, 38–52, 53+), only on a finished
 *   Encounter; always also the product's session kind. `serviceType`: HCPCS Level II
 *   (http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets) H0015 (substance-use IOP) or
 *   S9480 (psychiatric IOP), both per diem. Billing codes are the clinic's decision: the defaults
 *   are overridable and can be switched off (`codes`).
 * - References are logical (`identifier` in the product's subject namespace, with `type`), not
 *   `Patient/<id>`: the product serves no Patient or Practitioner resources, and its opaque ids
 *   may hold `_` and `:`, which a FHIR id may not. No names, no e-mails.
 * - Presence: R4 `participant.individual` cannot be a Patient, so each presence interval is a
 *   participant whose individual carries R5's `participant.actor` through the cross-version
 *   extension (hl7.org/fhir/uv/xver-r5.r4), with the interval as `participant.period`.
 * - Late / left early / excused: the `attendance` extension, not `reasonCode`, which R4 defines
 *   as the clinical reason the encounter takes place.
 * - Corrections: the `attendance-correction` extension (original status and minutes, when, by
 *   whom, why) and `meta.versionId` = the record's version. Not `statusHistory`: R4 means it for
 *   the Encounter's own status over time, and a correction can change minutes alone.
 * - 42 CFR Part 2: `meta.security` R (v3-Confidentiality), 42CFRPart2 and NORDSCLCD ("no
 *   redisclosure without consent directive"; both v3-ActCode) on the Bundle and every Encounter.
 *
 * US Core Encounter (STU 6/7), where this does not follow it:
 * - `subject` and `participant.individual` are identifier references, not resolvable references to
 *   US Core Patient / Practitioner resources; so no `meta.profile` claims the profile.
 * - `period` is the scheduled time (the choice; R4 means the actual time, which is in
 *   the participant periods and `length`).
 * - `type` holds a CPT code only where one applies; otherwise only the product's code, which the
 *   extensible US Core Encounter Type binding allows when no code in it fits.
 * - Must Support `reasonCode`/`reasonReference`, `hospitalization`, `location`, `serviceProvider`
 *   are absent: the product holds no diagnoses, no places and no organisations.
 */
import type { AttendanceRecord } from "../../schemas/attendance.ts";
import type {
  FhirBundle,
  FhirCodeableConcept,
  FhirCoding,
  FhirDuration,
  FhirEncounter,
  FhirEncounterParticipant,
  FhirExtension,
  FhirReference,
} from "../../schemas/fhir.ts";
import type { SessionKind } from "../../schemas/session.ts";

/** The product's namespaces for ids, codes and extensions (URNs: no web address is promised). */
export const FHIR_NS = {
  subject: "urn:iop-orchestrator:subject",
  session: "urn:iop-orchestrator:session",
  encounter: "urn:iop-orchestrator:encounter",
  sessionKind: "urn:iop-orchestrator:fhir:CodeSystem:session-kind",
  attendanceStatus: "urn:iop-orchestrator:fhir:CodeSystem:attendance-status",
  reason: "urn:iop-orchestrator:fhir:CodeSystem:attendance-reason",
  attendance: "urn:iop-orchestrator:fhir:StructureDefinition:attendance",
  correction: "urn:iop-orchestrator:fhir:StructureDefinition:attendance-correction",
} as const;

const V3_ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
const PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
const CPT = "http://www.ama-assn.org/go/cpt";
const HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
const R5_ACTOR = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Encounter.participant.actor";

/** The 42 CFR Part 2 labels every exported resource carries when the program treats substance use. */
export const PART2_SECURITY: readonly FhirCoding[] = Object.freeze([
  { system: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", code: "R", display: "restricted" },
  { system: V3_ACT, code: "42CFRPart2", display: "42 CFR Part2" },
  { system: V3_ACT, code: "NORDSCLCD", display: "no redisclosure without consent directive" },
]);

/** The record fields the export reads: what the ledger holds for one client and one session. */
export type EncounterRecord = Pick<
  AttendanceRecord,
  "attendedMinutes" | "intervals" | "status" | "late" | "leftEarly" | "excuse" | "correction" | "version" | "recordedAt"
>;

/** One session as the route has it: the schedule, facilitators, and each client's ledger record. */
export interface EncounterSession {
  sessionId: string;
  kind: SessionKind;
  scheduledStart: string;
  scheduledEnd: string;
  status: "scheduled" | "cancelled";
  facilitatorIds: readonly string[];
  /** `record: null` for a client booked into a cancelled session (no record is written for it); a
   * scheduled session's client without a record is not final yet and is left out. */
  clients: readonly { clientId: string; record: EncounterRecord | null }[];
}

/** Everything the Bundle is built from. */
export interface AttendanceBundleInput {
  programId: string;
  /** The program's substance-use setting: add the Part 2 labels. */
  part2: boolean;
  /** The Bundle's `timestamp` (the injected clock's now), ISO instant. */
  generatedAt: string;
  sessions: readonly EncounterSession[];
  /** Billing codes: CPT in `type` (default on), the IOP HCPCS in `serviceType` (default H0015 with
   * Part 2, else S9480; `null` leaves it out). */
  codes?: { cpt?: boolean; iopService?: "H0015" | "S9480" | null };
}

const minutes = (value: number): FhirDuration => ({
  value,
  unit: "min",
  system: "http://unitsofmeasure.org",
  code: "min",
});
const subject = (id: string, type: "Patient" | "Practitioner"): FhirReference => ({
  type,
  identifier: { system: FHIR_NS.subject, value: id },
});
const role = (code: string, display: string): FhirCodeableConcept[] => [
  { coding: [{ system: PARTICIPATION, code, display }] },
];
const code = (url: string, valueCode: string): FhirExtension => ({ url, valueCode });

const KIND_TEXT: Record<SessionKind, string> = {
  group: "Group psychotherapy",
  individual: "Individual psychotherapy",
  family: "Family psychotherapy",
};

/** The CPT psychotherapy code for what took place, or null when none applies (under 16 minutes alone). */
export function cptCode(kind: SessionKind, attendedMinutes: number): string | null {
  if (kind === "group") return "90853";
  if (kind === "family") return "90847";
  if (attendedMinutes >= 53) return "90837";
  if (attendedMinutes >= 38) return "90834";
  return attendedMinutes >= 16 ? "90832" : null;
}

function encounterStatus(session: EncounterSession, record: EncounterRecord | null): FhirEncounter["status"] {
  if (session.status === "cancelled" || !record) return "cancelled";
  if (record.status === "no-show") return "cancelled";
  if (record.status === "excused") return record.attendedMinutes > 0 ? "finished" : "cancelled";
  return "finished";
}

function attendanceExtension(session: EncounterSession, record: EncounterRecord | null): FhirExtension {
  const status = session.status === "cancelled" ? "session-cancelled" : (record?.status ?? "session-cancelled");
  const parts: FhirExtension[] = [code("status", status)];
  if (record)
    parts.push({ url: "late", valueBoolean: record.late }, { url: "leftEarly", valueBoolean: record.leftEarly });
  if (record?.excuse) parts.push(code("excuseReason", record.excuse.reasonCode));
  return { url: FHIR_NS.attendance, extension: parts };
}

function correctionExtension(c: NonNullable<EncounterRecord["correction"]>): FhirExtension {
  return {
    url: FHIR_NS.correction,
    extension: [
      code("originalStatus", c.originalStatus),
      { url: "originalLength", valueDuration: minutes(c.originalMinutes) },
      { url: "correctedAt", valueDateTime: c.at },
      { url: "correctedBy", valueReference: subject(c.by, "Practitioner") },
      code("reason", c.reasonCode),
    ],
  };
}

function types(
  session: EncounterSession,
  status: FhirEncounter["status"],
  record: EncounterRecord | null,
  cpt: boolean,
) {
  const coding: FhirCoding[] = [];
  const billed = cpt && status === "finished" && record ? cptCode(session.kind, record.attendedMinutes) : null;
  if (billed) coding.push({ system: CPT, code: billed });
  coding.push({ system: FHIR_NS.sessionKind, code: session.kind, display: KIND_TEXT[session.kind] });
  return [{ coding, text: KIND_TEXT[session.kind] }];
}

function encounter(
  input: AttendanceBundleInput,
  session: EncounterSession,
  clientId: string,
  record: EncounterRecord | null,
): FhirEncounter {
  const status = encounterStatus(session, record);
  const iop = input.codes?.iopService === undefined ? (input.part2 ? "H0015" : "S9480") : input.codes.iopService;
  const presence: FhirEncounterParticipant[] = (record?.intervals ?? []).map((i) => ({
    type: role("PART", "Participation"),
    period: { start: i.start, end: i.end },
    individual: { extension: [{ url: R5_ACTOR, valueReference: subject(clientId, "Patient") }] },
  }));
  const facilitators: FhirEncounterParticipant[] = session.facilitatorIds.map((id) => ({
    type: role("PPRF", "primary performer"),
    individual: subject(id, "Practitioner"),
  }));
  const extension = [attendanceExtension(session, record)];
  if (record?.correction) extension.push(correctionExtension(record.correction));
  const meta = {
    ...(record && { versionId: String(record.version), lastUpdated: record.correction?.at ?? record.recordedAt }),
    ...(input.part2 && { security: PART2_SECURITY.map((c) => ({ ...c })) }),
  };
  return {
    resourceType: "Encounter",
    ...(Object.keys(meta).length > 0 && { meta }),
    extension,
    identifier: [{ system: FHIR_NS.encounter, value: `${session.sessionId}/${clientId}` }],
    status,
    class: { system: V3_ACT, code: "VR", display: "virtual" },
    type: types(session, status, record, input.codes?.cpt ?? true),
    ...(iop && { serviceType: { coding: [{ system: HCPCS, code: iop }] } }),
    subject: subject(clientId, "Patient"),
    participant: [...facilitators, ...presence],
    appointment: [{ type: "Appointment", identifier: { system: FHIR_NS.session, value: session.sessionId } }],
    period: { start: session.scheduledStart, end: session.scheduledEnd },
    ...(record && { length: minutes(record.attendedMinutes) }),
  };
}

/** The Bundle: one Encounter per client per session, in the order given. */
export function attendanceBundle(input: AttendanceBundleInput): FhirBundle {
  const entry = input.sessions.flatMap((s) =>
    s.clients
      .filter((c) => c.record !== null || s.status === "cancelled")
      .map((c) => ({ resource: encounter(input, s, c.clientId, c.record) })),
  );
  return {
    resourceType: "Bundle",
    ...(input.part2 && { meta: { security: PART2_SECURITY.map((c) => ({ ...c })) } }),
    type: "collection",
    timestamp: input.generatedAt,
    entry,
  };
}

/**
 * Ledger records grouped into sessions (as the JSON and CSV exports read them): every session
 * held (`scheduled`), its facilitators the records' `clinicianIds`. Cancelled sessions, which have
 * no records, are the directory's to add.
 */
export function sessionsFromRecords(records: readonly AttendanceRecord[]): EncounterSession[] {
  const byId = new Map<string, EncounterSession & { clients: { clientId: string; record: EncounterRecord }[] }>();
  for (const r of records) {
    let s = byId.get(r.sessionId);
    if (!s) {
      s = {
        sessionId: r.sessionId,
        kind: r.kind,
        scheduledStart: r.scheduledStart,
        scheduledEnd: r.scheduledEnd,
        status: "scheduled",
        facilitatorIds: r.clinicianIds ?? [],
        clients: [],
      };
      byId.set(r.sessionId, s);
    }
    s.clients.push({ clientId: r.clientId, record: r });
  }
  return [...byId.values()];
}
