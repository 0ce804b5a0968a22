import { z } from "zod";

/**
 * The few FHIR R4 (4.0.1) shapes the attendance export emits. The export builds them and never
 * parses them back: the schemas are the types and the OpenAPI description of the
 * `application/fhir+json` answers. Field names and cardinalities follow
 * https://hl7.org/fhir/R4/encounter.html and /bundle.html; the tests check the output against the
 * R4 definitions with the `fhir` package's validator.
 */

/** A code from a code system (`system` is the system's canonical URI). */
export const FhirCoding = z
  .strictObject({ system: z.string(), code: z.string(), display: z.string().optional() })
  .meta({ id: "FhirCoding" });
export type FhirCoding = z.infer<typeof FhirCoding>;

/** One concept, possibly coded in several systems. */
export const FhirCodeableConcept = z
  .strictObject({ coding: z.array(FhirCoding), text: z.string().optional() })
  .meta({ id: "FhirCodeableConcept" });
export type FhirCodeableConcept = z.infer<typeof FhirCodeableConcept>;

/** A business identifier: an opaque value in a namespace. */
export const FhirIdentifier = z.strictObject({ system: z.string(), value: z.string() }).meta({ id: "FhirIdentifier" });
export type FhirIdentifier = z.infer<typeof FhirIdentifier>;

/** A span of time; instants in UTC. */
export const FhirPeriod = z
  .strictObject({ start: z.string().optional(), end: z.string().optional() })
  .meta({ id: "FhirPeriod" });
export type FhirPeriod = z.infer<typeof FhirPeriod>;

/** A length of time in UCUM minutes. */
export const FhirDuration = z
  .strictObject({
    value: z.number(),
    unit: z.literal("min"),
    system: z.literal("http://unitsofmeasure.org"),
    code: z.literal("min"),
  })
  .meta({ id: "FhirDuration" });
export type FhirDuration = z.infer<typeof FhirDuration>;

/**
 * A logical reference (by identifier, with the target's type): the product is not a FHIR server,
 * so a literal `Patient/<id>` would point at nothing. `extension` carries R5's `participant.actor`.
 */
export const FhirReference = z
  .strictObject({
    type: z.enum(["Patient", "Practitioner", "Appointment"]).optional(),
    identifier: FhirIdentifier.optional(),
    get extension() {
      return z.array(FhirExtension).optional();
    },
  })
  .meta({ id: "FhirReference" });
export type FhirReference = z.infer<typeof FhirReference>;

/** An extension: a simple one has one `value*`, a complex one nests `extension`s. */
export const FhirExtension = z
  .strictObject({
    url: z.string(),
    get extension() {
      return z.array(FhirExtension).optional();
    },
    valueCode: z.string().optional(),
    valueBoolean: z.boolean().optional(),
    valueDateTime: z.string().optional(),
    valueDuration: FhirDuration.optional(),
    get valueReference() {
      return FhirReference.optional();
    },
  })
  .meta({ id: "FhirExtension" });
export type FhirExtension = z.infer<typeof FhirExtension>;

/** Resource metadata: the ledger record's version, when it last changed, and security labels. */
export const FhirMeta = z
  .strictObject({
    versionId: z.string().optional(),
    lastUpdated: z.string().optional(),
    security: z
      .array(FhirCoding)
      .optional()
      .meta({ description: "The 42 CFR Part 2 labels, where the program has them" }),
  })
  .meta({ id: "FhirMeta" });
export type FhirMeta = z.infer<typeof FhirMeta>;

/** One participant of an Encounter: a practitioner, or (through the R5 extension) the patient. */
export const FhirEncounterParticipant = z
  .strictObject({ type: z.array(FhirCodeableConcept), period: FhirPeriod.optional(), individual: FhirReference })
  .meta({ id: "FhirEncounterParticipant" });
export type FhirEncounterParticipant = z.infer<typeof FhirEncounterParticipant>;

/** The R4 Encounter elements the export fills. */
export const FhirEncounter = z
  .strictObject({
    resourceType: z.literal("Encounter"),
    meta: FhirMeta.optional(),
    extension: z.array(FhirExtension).optional(),
    identifier: z.array(FhirIdentifier),
    status: z.enum(["planned", "in-progress", "finished", "cancelled", "entered-in-error", "unknown"]),
    class: FhirCoding,
    type: z.array(FhirCodeableConcept),
    serviceType: FhirCodeableConcept.optional(),
    subject: FhirReference,
    participant: z.array(FhirEncounterParticipant),
    appointment: z.array(FhirReference).optional(),
    period: FhirPeriod.meta({ description: "The scheduled time" }),
    length: FhirDuration.optional().meta({ description: "The attended minutes" }),
  })
  .meta({ id: "FhirEncounter", description: "One client at one session (FHIR R4 Encounter)" });
export type FhirEncounter = z.infer<typeof FhirEncounter>;

/** A `collection` Bundle of Encounters. */
export const FhirBundle = z
  .strictObject({
    resourceType: z.literal("Bundle"),
    meta: FhirMeta.optional(),
    type: z.literal("collection"),
    timestamp: z.string(),
    entry: z.array(z.strictObject({ resource: FhirEncounter })),
  })
  .meta({
    id: "FhirBundle",
    description: "FHIR R4 collection Bundle: one Encounter per client per session (docs/attendance.md)",
  });
export type FhirBundle = z.infer<typeof FhirBundle>;
