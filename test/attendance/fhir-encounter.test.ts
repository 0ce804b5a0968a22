import { Fhir } from "fhir";
import { describe, expect, it } from "vitest";
import { AttendanceRecord } from "../../schemas/attendance.ts";
import type { FhirBundle, FhirEncounter, FhirExtension } from "../../schemas/fhir.ts";
import {
  type AttendanceBundleInput,
  attendanceBundle,
  type EncounterSession,
  FHIR_NS,
  PART2_SECURITY,
  sessionsFromRecords,
} from "../../src/attendance/fhir-encounter.ts";

// Pure mapping: nothing here reaches the Worker or a Durable Object, so the instants are data.
const T0 = Date.parse("2026-11-23T17:00:00Z"); // date-ok: pure mapping
const at = (min: number) => new Date(T0 + min * 60_000).toISOString().replace(".000Z", "Z");
const span = (a: number, b: number) => ({ start: at(a), end: at(b) });

const PROGRAM = "prg_4k9d2m7q1x8c3v5b";
const GROUP = "ses_0000000000grp1";
const CANCELLED = "ses_0000000000can1";
const INDIVIDUAL = "ses_0000000000ind1";
const FACILITATORS = ["fac_a1", "fac_b2"];

/** A full ledger record as the SessionRoom writes it, for a 3-hour group unless overridden. */
function record(clientId: string, over: Partial<AttendanceRecord>): AttendanceRecord {
  return AttendanceRecord.parse({
    programId: PROGRAM,
    sessionId: GROUP,
    clientId,
    trackId: null,
    kind: "group",
    localDate: at(0).slice(0, 10),
    isoWeek: "2026-W48", // date-ok: pure mapping
    scheduledStart: at(0),
    scheduledEnd: at(180),
    scheduledMinutes: 180,
    attendedMinutes: 180,
    clinicianIds: FACILITATORS,
    firstArrivalAt: null,
    lastDepartureAt: null,
    intervals: [span(0, 180)],
    status: "present",
    late: false,
    leftEarly: false,
    modality: "telehealth",
    excuse: null,
    correction: null,
    recordedAt: at(185),
    version: 1,
    ...over,
  });
}

const RECORDS = {
  present: record("clt_present", {}),
  late: record("clt_late", { intervals: [span(25, 180)], attendedMinutes: 155, status: "late", late: true }),
  early: record("clt_early", {
    // A reconnect: two intervals, the minutes are their sum.
    intervals: [span(0, 60), span(62, 120)],
    attendedMinutes: 118,
    status: "left-early",
    leftEarly: true,
  }),
  excused: record("clt_excused", {
    intervals: [],
    attendedMinutes: 0,
    status: "excused",
    excuse: { reasonCode: "illness", by: "fac_a1", at: at(-60) },
  }),
  noShow: record("clt_noshow", { intervals: [], attendedMinutes: 0, status: "no-show" }),
  corrected: record("clt_fixed", {
    intervals: [span(0, 90)],
    attendedMinutes: 170,
    status: "present",
    correction: { originalStatus: "partial", originalMinutes: 90, by: "fac_a1", at: at(300), reasonCode: "technical" },
    version: 2,
  }),
};

const individual = record("clt_present", {
  sessionId: INDIVIDUAL,
  kind: "individual",
  scheduledStart: at(240),
  scheduledEnd: at(300),
  scheduledMinutes: 60,
  intervals: [span(240, 290)],
  attendedMinutes: 50,
  clinicianIds: ["fac_a1"],
});

const cancelled: EncounterSession = {
  sessionId: CANCELLED,
  kind: "group",
  scheduledStart: at(1440),
  scheduledEnd: at(1620),
  status: "cancelled",
  facilitatorIds: FACILITATORS,
  clients: [
    { clientId: "clt_present", record: null },
    { clientId: "clt_late", record: null },
  ],
};

function input(over: Partial<AttendanceBundleInput> = {}): AttendanceBundleInput {
  return {
    programId: PROGRAM,
    part2: true,
    generatedAt: at(2000),
    sessions: [...sessionsFromRecords([...Object.values(RECORDS), individual]), cancelled],
    ...over,
  };
}

const fhir = new Fhir();
const errors = (resource: object) =>
  (fhir.validate(resource, { errorOnUnexpected: true }).messages ?? []).filter((m) => m.severity === "error");

function find(bundle: FhirBundle, sessionId: string, clientId: string): FhirEncounter {
  const found = bundle.entry.find((e) => e.resource.identifier[0]?.value === `${sessionId}/${clientId}`);
  if (!found) throw new Error(`no Encounter for ${sessionId}/${clientId}`);
  return found.resource;
}
const sub = (ext: FhirExtension | undefined, url: string) => ext?.extension?.find((e) => e.url === url);
const attendance = (e: FhirEncounter) => e.extension?.find((x) => x.url === FHIR_NS.attendance);

describe("attendance as a FHIR R4 Bundle of Encounters", () => {
  it("validates against the FHIR R4 definitions with zero errors, Part 2 on and off", () => {
    for (const part2 of [true, false]) {
      const bundle = attendanceBundle(input({ part2 }));
      expect(bundle.type).toBe("collection");
      // 6 group clients, 1 individual, 2 booked into the cancelled session.
      expect(bundle.entry).toHaveLength(9);
      expect(errors(bundle)).toEqual([]);
      // The only warnings: CPT, HCPCS and the product's kind are not in R4's *example* value sets.
      const warnings = fhir
        .validate(bundle, { errorOnUnexpected: true })
        .messages?.filter((m) => m.severity === "warning");
      expect(new Set(warnings?.map((m) => m.location?.replace(/\[\d+\]$/, "")))).toEqual(
        new Set(["Encounter.type", "Encounter.serviceType"]),
      );
    }
  });

  it("the validator refuses what R4 does not allow (so the check above can fail)", () => {
    const bundle = attendanceBundle(input());
    const broken = structuredClone(bundle) as unknown as { entry: { resource: Record<string, unknown> }[] };
    const first = broken.entry[0];
    if (!first) throw new Error("empty bundle");
    first.resource.status = "no-show";
    first.resource.notAnElement = true;
    const found = errors(broken).map((m) => m.location);
    expect(found).toEqual(expect.arrayContaining(["Encounter.status", "Encounter.notAnElement"]));
  });

  it("length is the record's attended minutes, minute for minute, in UCUM minutes", () => {
    const bundle = attendanceBundle(input());
    for (const r of [...Object.values(RECORDS), individual]) {
      expect(find(bundle, r.sessionId, r.clientId).length).toEqual({
        value: r.attendedMinutes,
        unit: "min",
        system: "http://unitsofmeasure.org",
        code: "min",
      });
    }
    expect(find(bundle, CANCELLED, "clt_present").length).toBeUndefined();
  });

  it("the patient's participant periods are the presence intervals; the facilitators are practitioners", () => {
    const bundle = attendanceBundle(input());
    for (const r of Object.values(RECORDS)) {
      const e = find(bundle, GROUP, r.clientId);
      const presence = e.participant.filter((p) => p.type[0]?.coding[0]?.code === "PART");
      expect(presence.map((p) => p.period)).toEqual(r.intervals);
      for (const p of presence) {
        expect(p.individual.extension?.[0]?.valueReference).toEqual({
          type: "Patient",
          identifier: { system: FHIR_NS.subject, value: r.clientId },
        });
      }
      const performers = e.participant.filter((p) => p.type[0]?.coding[0]?.code === "PPRF");
      expect(performers.map((p) => p.individual)).toEqual(
        FACILITATORS.map((value) => ({ type: "Practitioner", identifier: { system: FHIR_NS.subject, value } })),
      );
      expect(e.period).toEqual({ start: at(0), end: at(180) });
    }
  });

  it("statuses: finished when attended, cancelled for a no-show, an excused absence and a cancelled session", () => {
    const bundle = attendanceBundle(input());
    const expected: [string, string, FhirEncounter["status"], string][] = [
      [GROUP, "clt_present", "finished", "present"],
      [GROUP, "clt_late", "finished", "late"],
      [GROUP, "clt_early", "finished", "left-early"],
      [GROUP, "clt_excused", "cancelled", "excused"],
      [GROUP, "clt_noshow", "cancelled", "no-show"],
      [CANCELLED, "clt_present", "cancelled", "session-cancelled"],
    ];
    for (const [sessionId, clientId, status, product] of expected) {
      const e = find(bundle, sessionId, clientId);
      expect([clientId, e.status]).toEqual([clientId, status]);
      expect(sub(attendance(e), "status")?.valueCode).toBe(product);
      expect(e.class).toEqual({
        system: "http://terminology.hl7.org/CodeSystem/v3-ActCode",
        code: "VR",
        display: "virtual",
      });
    }
    const late = attendance(find(bundle, GROUP, "clt_late"));
    expect([sub(late, "late")?.valueBoolean, sub(late, "leftEarly")?.valueBoolean]).toEqual([true, false]);
    expect(sub(attendance(find(bundle, GROUP, "clt_early")), "leftEarly")?.valueBoolean).toBe(true);
    expect(sub(attendance(find(bundle, GROUP, "clt_excused")), "excuseReason")?.valueCode).toBe("illness");
  });

  it("references are opaque identifiers: no literal references, names or e-mails", () => {
    const bundle = attendanceBundle(input());
    const text = JSON.stringify(bundle);
    expect(text).not.toContain('"reference"');
    expect(text).not.toContain("@");
    expect(text).not.toMatch(/displayName|"name"/);
    const ids = new Set<string>();
    JSON.stringify(bundle, (key, value) => {
      if (key === "identifier" && value?.system === FHIR_NS.subject) ids.add(value.value);
      return value;
    });
    expect([...ids].sort()).toEqual(
      ["clt_early", "clt_excused", "clt_fixed", "clt_late", "clt_noshow", "clt_present", "fac_a1", "fac_b2"].sort(),
    );
    expect(find(bundle, GROUP, "clt_late").subject).toEqual({
      type: "Patient",
      identifier: { system: FHIR_NS.subject, value: "clt_late" },
    });
  });

  it("carries the 42 CFR Part 2 labels on the Bundle and every Encounter when on, none when off", () => {
    const on = attendanceBundle(input({ part2: true }));
    expect(on.meta?.security).toEqual(PART2_SECURITY);
    for (const { resource } of on.entry) expect(resource.meta?.security).toEqual(PART2_SECURITY);
    expect(PART2_SECURITY.map((c) => c.code)).toEqual(["R", "42CFRPart2", "NORDSCLCD"]);
    const off = attendanceBundle(input({ part2: false }));
    expect(JSON.stringify(off)).not.toContain('"security"');
  });

  it("a corrected record shows its correction: original status and minutes, when, by whom, why", () => {
    const bundle = attendanceBundle(input());
    const e = find(bundle, GROUP, "clt_fixed");
    expect(e.meta).toMatchObject({ versionId: "2", lastUpdated: at(300) });
    const c = e.extension?.find((x) => x.url === FHIR_NS.correction);
    expect(c?.extension).toEqual([
      { url: "originalStatus", valueCode: "partial" },
      {
        url: "originalLength",
        valueDuration: { value: 90, unit: "min", system: "http://unitsofmeasure.org", code: "min" },
      },
      { url: "correctedAt", valueDateTime: at(300) },
      {
        url: "correctedBy",
        valueReference: { type: "Practitioner", identifier: { system: FHIR_NS.subject, value: "fac_a1" } },
      },
      { url: "reason", valueCode: "technical" },
    ]);
    expect(find(bundle, GROUP, "clt_late").extension?.some((x) => x.url === FHIR_NS.correction)).toBe(false);
    expect(find(bundle, GROUP, "clt_late").meta?.versionId).toBe("1");
  });

  it("codes group, individual and family therapy; CPT only where billable; the clinic can switch them off", () => {
    const bundle = attendanceBundle(input());
    const codes = (e: FhirEncounter) => e.type[0]?.coding.map((c) => c.code);
    expect(codes(find(bundle, GROUP, "clt_late"))).toEqual(["90853", "group"]);
    expect(codes(find(bundle, INDIVIDUAL, "clt_present"))).toEqual(["90834", "individual"]);
    expect(codes(find(bundle, GROUP, "clt_noshow"))).toEqual(["group"]);
    expect(codes(find(bundle, CANCELLED, "clt_present"))).toEqual(["group"]);
    expect(find(bundle, GROUP, "clt_late").serviceType?.coding[0]?.code).toBe("H0015");
    expect(attendanceBundle(input({ part2: false })).entry[0]?.resource.serviceType?.coding[0]?.code).toBe("S9480");
    const family = attendanceBundle({
      ...input(),
      sessions: sessionsFromRecords([record("clt_present", { sessionId: "ses_0000000000fam1", kind: "family" })]),
    });
    expect(family.entry[0]?.resource.type[0]?.coding[0]?.code).toBe("90847");
    const plain = attendanceBundle(input({ codes: { cpt: false, iopService: null } }));
    for (const { resource } of plain.entry) {
      expect(resource.serviceType).toBeUndefined();
      expect(resource.type[0]?.coding.map((c) => c.system)).toEqual([FHIR_NS.sessionKind]);
    }
    expect(errors(plain)).toEqual([]);
  });

  it("groups ledger records into sessions, facilitators from the records, and leaves out unfinished clients", () => {
    const sessions = sessionsFromRecords([...Object.values(RECORDS), individual]);
    expect(sessions.map((s) => [s.sessionId, s.clients.length, s.facilitatorIds])).toEqual([
      [GROUP, 6, FACILITATORS],
      [INDIVIDUAL, 1, ["fac_a1"]],
    ]);
    const pending: EncounterSession = { ...cancelled, status: "scheduled" };
    expect(attendanceBundle(input({ sessions: [pending] })).entry).toEqual([]);
  });
});
