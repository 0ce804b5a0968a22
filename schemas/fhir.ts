/**
 * The few FHIR R4 (4.0.1) shapes the attendance export emits, as plain types: the export builds
 * them and never parses them back, so there is nothing for a zod schema to validate. Field names
 * and cardinalities follow https://hl7.org/fhir/R4/encounter.html and /bundle.html; the tests
 * check the output against the R4 definitions with the `fhir` package's validator.
 */

/** A code from a code system (`system` is the system's canonical URI). */
export interface FhirCoding {
  system: string;
  code: string;
  display?: string;
}

/** One concept, possibly coded in several systems. */
export interface FhirCodeableConcept {
  coding: FhirCoding[];
  text?: string;
}

/** A business identifier: an opaque value in a namespace. */
export interface FhirIdentifier {
  system: string;
  value: string;
}

/**
 * A logical reference (by identifier, with the target's type): the product is not a FHIR server,
 * so a literal `Patient/<id>` would point at nothing. `extension` carries R5's `participant.actor`.
 */
export interface FhirReference {
  type?: "Patient" | "Practitioner" | "Appointment";
  identifier?: FhirIdentifier;
  extension?: FhirExtension[];
}

/** A span of time; instants in UTC. */
export interface FhirPeriod {
  start?: string;
  end?: string;
}

/** A length of time in UCUM minutes. */
export interface FhirDuration {
  value: number;
  unit: "min";
  system: "http://unitsofmeasure.org";
  code: "min";
}

/** An extension: a simple one has one `value*`, a complex one nests `extension`s. */
export interface FhirExtension {
  url: string;
  extension?: FhirExtension[];
  valueCode?: string;
  valueBoolean?: boolean;
  valueDateTime?: string;
  valueDuration?: FhirDuration;
  valueReference?: FhirReference;
}

/** Resource metadata: the ledger record's version, when it last changed, and security labels. */
export interface FhirMeta {
  versionId?: string;
  lastUpdated?: string;
  security?: FhirCoding[];
}

/** One participant of an Encounter: a practitioner, or (through the R5 extension) the patient. */
export interface FhirEncounterParticipant {
  type: FhirCodeableConcept[];
  period?: FhirPeriod;
  individual: FhirReference;
}

/** The R4 Encounter elements the export fills. */
export interface FhirEncounter {
  resourceType: "Encounter";
  meta?: FhirMeta;
  extension?: FhirExtension[];
  identifier: FhirIdentifier[];
  status: "planned" | "in-progress" | "finished" | "cancelled" | "entered-in-error" | "unknown";
  class: FhirCoding;
  type: FhirCodeableConcept[];
  serviceType?: FhirCodeableConcept;
  subject: FhirReference;
  participant: FhirEncounterParticipant[];
  appointment?: FhirReference[];
  period: FhirPeriod;
  length?: FhirDuration;
}

/** A `collection` Bundle of Encounters. */
export interface FhirBundle {
  resourceType: "Bundle";
  meta?: FhirMeta;
  type: "collection";
  timestamp: string;
  entry: { resource: FhirEncounter }[];
}
