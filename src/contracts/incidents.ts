import { z } from 'zod';
import { roleSchema } from './access.js';
import { idSchema, isoTimeSchema, listQuery, longText, savedViewSchemas, shortText } from './common.js';

/*
 * Incidents and investigations: intake (staff incidents and anonymous concerns), the case
 * workflow, SLAs, need-to-know, evidence with chain of custody, referrals and reporting.
 */

export const builtinIncidentTypes = [
  'theft',
  'burglary',
  'vandalism',
  'trespass',
  'workplace_violence',
  'threat',
  'assault',
  'fraud',
  'data_breach',
  'suspicious_activity',
  'injury',
  'fire',
  'policy_violation',
  'lost_property',
  'other',
] as const;

/** A type key: a built-in one or a user-defined one (lower-case slug). */
export const incidentTypeKey = z
  .string()
  .trim()
  .min(2)
  .max(50)
  .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _ only');

export const severities = ['low', 'medium', 'high', 'critical'] as const;
export const severitySchema = z.enum(severities);
export type Severity = z.infer<typeof severitySchema>;

export const incidentStatuses = ['new', 'triaged', 'investigating', 'resolved', 'closed'] as const;
export const incidentStatusSchema = z.enum(incidentStatuses);
export type IncidentStatus = z.infer<typeof incidentStatusSchema>;

export const dispositions = [
  'substantiated',
  'unsubstantiated',
  'inconclusive',
  'unfounded',
  'referred',
  'duplicate',
  'no_further_action',
] as const;
export const dispositionSchema = z.enum(dispositions);

export const rootCauseCategories = [
  'human_error',
  'procedural',
  'equipment_failure',
  'design',
  'environmental',
  'malicious_intent',
  'training',
  'supervision',
  'third_party',
  'unknown',
  'other',
] as const;
export const rootCauseSchema = z.enum(rootCauseCategories);

export const personRoles = ['reporter', 'victim', 'witness', 'subject'] as const;
export const personRoleSchema = z.enum(personRoles);

export const assetSchema = z.object({
  description: shortText(500),
  tag: z.string().trim().max(100).optional(),
  value: z.number().nonnegative().max(1e12).optional(),
});
export const vehicleSchema = z.object({
  plate: z.string().trim().max(20).optional(),
  make: z.string().trim().max(50).optional(),
  model: z.string().trim().max(50).optional(),
  color: z.string().trim().max(30).optional(),
  description: z.string().trim().max(500).optional(),
});

const userRef = z.object({ id: idSchema, name: z.string() });

export const slaSchema = z.object({
  triageDueAt: isoTimeSchema.nullable(),
  triageWarnAt: isoTimeSchema.nullable(),
  triageWarned: z.boolean(),
  triageBreached: z.boolean(),
  resolveDueAt: isoTimeSchema.nullable(),
  resolveWarnAt: isoTimeSchema.nullable(),
  resolveWarned: z.boolean(),
  resolveBreached: z.boolean(),
});

export const incidentSchema = z
  .object({
    id: idSchema,
    reference: z.string(),
    kind: z.enum(['incident', 'concern']),
    title: z.string(),
    description: z.string(),
    type: z.string(),
    severity: severitySchema,
    status: incidentStatusSchema,
    occurredAt: isoTimeSchema.nullable(),
    siteId: idSchema.nullable(),
    location: z.string().nullable(),
    confidential: z.boolean(),
    anonymous: z.boolean(),
    reportedBy: userRef.nullable(),
    assignedTo: userRef.nullable(),
    assets: z.array(assetSchema),
    vehicles: z.array(vehicleSchema),
    findings: z.string().nullable(),
    rootCause: rootCauseSchema.nullable(),
    disposition: dispositionSchema.nullable(),
    dispositionNote: z.string().nullable(),
    mergedInto: idSchema.nullable(),
    legalHold: z.object({ reason: z.string(), since: isoTimeSchema }).nullable(),
    sla: slaSchema,
    triagedAt: isoTimeSchema.nullable(),
    resolvedAt: isoTimeSchema.nullable(),
    closedAt: isoTimeSchema.nullable(),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'Incident' });
export type Incident = z.infer<typeof incidentSchema>;

const personInput = z.object({
  role: personRoleSchema,
  /** A person of the directory, or a user of Vigil (needed to exclude a subject), or a free name. */
  personId: idSchema.optional(),
  userId: idSchema.optional(),
  name: z.string().trim().max(200).optional(),
  contact: z.string().trim().max(300).optional(),
  notes: longText(2000).optional(),
  /** For subjects who are users: exclude them from the case even where their role would see it. */
  exclude: z.boolean().optional(),
});
export const addPersonBody = personInput.refine(
  (p) => p.personId !== undefined || p.userId !== undefined || (p.name !== undefined && p.name !== ''),
  'a person needs personId, userId or name',
);
export type AddPerson = z.infer<typeof addPersonBody>;

export const createIncidentBody = z.object({
  title: shortText(300),
  description: longText(20_000).default(''),
  type: incidentTypeKey,
  severity: severitySchema,
  occurredAt: isoTimeSchema.optional(),
  siteId: idSchema,
  location: z.string().trim().max(500).optional(),
  people: z.array(addPersonBody).max(100).default([]),
  assets: z.array(assetSchema).max(100).default([]),
  vehicles: z.array(vehicleSchema).max(100).default([]),
  confidential: z.boolean().default(false),
  members: z.array(idSchema).max(200).default([]),
});
export type CreateIncident = z.infer<typeof createIncidentBody>;

export const updateIncidentBody = z
  .object({
    title: shortText(300).optional(),
    description: longText(20_000).optional(),
    type: incidentTypeKey.optional(),
    severity: severitySchema.optional(),
    occurredAt: isoTimeSchema.nullable().optional(),
    siteId: idSchema.optional(),
    location: z.string().trim().max(500).nullable().optional(),
    assets: z.array(assetSchema).max(100).optional(),
    vehicles: z.array(vehicleSchema).max(100).optional(),
    findings: longText(20_000).nullable().optional(),
    rootCause: rootCauseSchema.nullable().optional(),
    confidential: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');
export type UpdateIncident = z.infer<typeof updateIncidentBody>;

const dateOnly = z.iso.date();

export const incidentListQuery = listQuery.extend({
  /** Words searched in titles, descriptions and notes; or a case reference (INC-…/CON-…) to find that case. */
  q: z.string().trim().max(200).optional(),
  status: incidentStatusSchema.optional(),
  type: incidentTypeKey.optional(),
  severity: severitySchema.optional(),
  siteId: idSchema.optional(),
  kind: z.enum(['incident', 'concern']).optional(),
  assignedTo: idSchema.optional(),
  /** occurred (or, without an occurrence time, reported) on or after this date/time */
  from: z.union([isoTimeSchema, dateOnly]).optional(),
  to: z.union([isoTimeSchema, dateOnly]).optional(),
});
export type IncidentListQuery = z.infer<typeof incidentListQuery>;
export const incidentCsvQuery = incidentListQuery.omit({ limit: true, cursor: true });

/** The list's filters as a saved view keeps them: the list's own, and nothing else. */
export const incidentViewFilters = z.strictObject(incidentCsvQuery.shape);
export type IncidentViewFilters = z.infer<typeof incidentViewFilters>;
const incidentViews = savedViewSchemas(incidentViewFilters);
export const incidentViewSchema = incidentViews.view.meta({ id: 'IncidentView' });
export type IncidentView = z.infer<typeof incidentViewSchema>;
export const createIncidentViewBody = incidentViews.create;

export const transitionBody = z.object({
  to: incidentStatusSchema,
  reason: z.string().trim().max(2000).optional(),
  disposition: dispositionSchema.optional(),
  dispositionNote: z.string().trim().max(5000).optional(),
});
export type Transition = z.infer<typeof transitionBody>;

export const assignBody = z.object({ userId: idSchema.nullable() });
export const memberBody = z.object({ userId: idSchema });
export const memberParams = z.object({ id: idSchema, userId: idSchema });
export const memberSchema = z.object({ userId: idSchema, name: z.string(), addedAt: isoTimeSchema });
export const exclusionBody = z.object({ userId: idSchema, reason: shortText(1000) });
export const exclusionSchema = z.object({
  userId: idSchema,
  name: z.string(),
  reason: z.string(),
  addedAt: isoTimeSchema,
});

export const incidentPersonSchema = z
  .object({
    id: idSchema,
    role: personRoleSchema,
    personId: idSchema.nullable(),
    userId: idSchema.nullable(),
    /** Personal data: null unless the caller holds people:pii. */
    name: z.string().nullable(),
    contact: z.string().nullable(),
    notes: z.string().nullable(),
    excluded: z.boolean(),
    piiRedacted: z.boolean(),
    createdAt: isoTimeSchema,
  })
  .meta({ id: 'IncidentPerson' });
export const personParams = z.object({ id: idSchema, personEntryId: idSchema });

export const noteBody = z.object({ body: z.string().trim().min(1).max(20_000) });
export const noteSchema = z
  .object({
    id: idSchema,
    incidentId: idSchema,
    author: userRef.nullable(),
    body: z.string(),
    createdAt: isoTimeSchema,
  })
  .meta({ id: 'IncidentNote' });

export const timelineEntrySchema = z
  .object({
    id: idSchema,
    incidentId: idSchema,
    /** The case the entry was written on: differs from the case asked for when it was merged in. */
    incidentReference: z.string(),
    at: isoTimeSchema,
    actor: z.object({ type: z.string(), id: z.string().nullable(), label: z.string() }),
    kind: z.string(),
    summary: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TimelineEntry' });

export const workStatus = z.enum(['open', 'in_progress', 'done', 'cancelled']);
export const taskBody = z.object({
  title: shortText(500),
  ownerId: idSchema.nullable().optional(),
  dueAt: isoTimeSchema.nullable().optional(),
});
export const updateTaskBody = z
  .object({
    title: shortText(500).optional(),
    ownerId: idSchema.nullable().optional(),
    dueAt: isoTimeSchema.nullable().optional(),
    status: workStatus.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');
export type UpdateWorkItem = z.infer<typeof updateTaskBody>;
export const workItemSchema = z
  .object({
    id: idSchema,
    incidentId: idSchema,
    title: z.string(),
    owner: userRef.nullable(),
    dueAt: isoTimeSchema.nullable(),
    status: workStatus,
    completedAt: isoTimeSchema.nullable(),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'IncidentWorkItem' });
export type WorkItem = z.infer<typeof workItemSchema>;
export const taskParams = z.object({ id: idSchema, taskId: idSchema });
export const actionParams = z.object({ id: idSchema, actionId: idSchema });

export const referralBody = z.object({
  agency: shortText(200),
  contact: z.string().trim().max(300).optional(),
  caseNumber: z.string().trim().max(100).optional(),
  referredOn: dateOnly,
  shared: longText(5000).default(''),
});
export const updateReferralBody = z
  .object({
    contact: z.string().trim().max(300).nullable().optional(),
    caseNumber: z.string().trim().max(100).nullable().optional(),
    shared: longText(5000).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');
export const followUpBody = z.object({ on: dateOnly, note: shortText(5000) });
export const referralSchema = z
  .object({
    id: idSchema,
    incidentId: idSchema,
    agency: z.string(),
    contact: z.string().nullable(),
    caseNumber: z.string().nullable(),
    referredOn: z.string(),
    shared: z.string(),
    followUps: z.array(z.object({ on: z.string(), note: z.string(), by: z.string() })),
    createdAt: isoTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'Referral' });
export const referralParams = z.object({ id: idSchema, referralId: idSchema });

export const mergeBody = z.object({ sourceId: idSchema });
export const legalHoldBody = z.object({ reason: shortText(2000) });

// ---- anonymous concerns ---------------------------------------------------------------------

export const createConcernBody = z.object({
  title: z.string().trim().max(300).optional(),
  description: z.string().trim().min(1).max(20_000),
  type: incidentTypeKey.optional(),
  siteId: idSchema.optional(),
  location: z.string().trim().max(500).optional(),
  /** Only the date: a precise time could identify the reporter. */
  occurredOn: dateOnly.optional(),
  /** Anonymous unless a signed-in reporter says otherwise. */
  anonymous: z.boolean().default(true),
});
export type CreateConcern = z.infer<typeof createConcernBody>;
export const concernCreatedSchema = z.object({ reference: z.string(), followUpCode: z.string() });

export const concernAuthBody = z.object({
  reference: z.string().trim().min(1).max(40),
  followUpCode: z.string().trim().min(1).max(100),
});
export const concernMessageBody = concernAuthBody.extend({ body: z.string().trim().min(1).max(10_000) });
export const concernMessageSchema = z.object({
  id: idSchema,
  from: z.enum(['reporter', 'staff']),
  body: z.string(),
  /** The day only, for the reporter's protection. */
  on: z.string(),
});
export const concernThreadSchema = z.object({
  reference: z.string(),
  status: z.enum(['received', 'in_review', 'closed']),
  messages: z.array(concernMessageSchema),
});
export const staffConcernMessageSchema = concernMessageSchema.extend({
  threadReference: z.string(),
  author: z.string().nullable(),
});
export const staffReplyBody = z.object({
  body: z.string().trim().min(1).max(10_000),
  /** Reference of the concern thread when several were merged into this case (default: this case). */
  threadReference: z.string().trim().max(40).optional(),
});

// ---- evidence and custody -------------------------------------------------------------------

export const custodyActions = [
  'acquired',
  'viewed',
  'downloaded',
  'exported',
  'verified',
  'transferred',
  'case_merged',
  'legal_hold',
  'disposal_requested',
  'disposal_rejected',
  'disposed',
] as const;
export const custodyActionSchema = z.enum(custodyActions);

export const evidenceSchema = z
  .object({
    id: idSchema,
    incidentId: idSchema,
    kind: z.enum(['digital', 'physical']),
    description: z.string().nullable(),
    sha256: z.string().nullable(),
    size: z.number().int().nullable(),
    filename: z.string().nullable(),
    contentType: z.string().nullable(),
    bagTag: z.string().nullable(),
    storageLocation: z.string().nullable(),
    custodian: z.string().nullable(),
    status: z.enum(['held', 'disposal_pending', 'disposed']),
    integrity: z.enum(['unverified', 'intact', 'mismatch', 'missing']),
    lastVerifiedAt: isoTimeSchema.nullable(),
    acquiredAt: isoTimeSchema,
    acquiredBy: z.string(),
    disposal: z
      .object({
        reason: z.string(),
        requestedBy: z.string(),
        requestedAt: isoTimeSchema,
        approvedBy: z.string().nullable(),
        disposedAt: isoTimeSchema.nullable(),
      })
      .nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Evidence' });
export type Evidence = z.infer<typeof evidenceSchema>;

export const uploadedEvidenceSchema = z.object({
  id: idSchema,
  sha256: z.string(),
  size: z.number().int(),
  filename: z.string(),
  contentType: z.string(),
});

export const physicalEvidenceBody = z.object({
  description: shortText(2000),
  bagTag: shortText(100),
  storageLocation: shortText(300),
  custodian: shortText(200),
  acquiredAt: isoTimeSchema.optional(),
  reason: z.string().trim().max(2000).optional(),
});
export const transferBody = z.object({
  from: z.string().trim().max(200).optional(),
  to: shortText(200),
  storageLocation: shortText(300),
  reason: shortText(2000),
});
export const disposalRequestBody = z.object({ reason: shortText(2000) });
export const disposalDecisionBody = z.object({ reason: z.string().trim().max(2000).optional() });

export const custodyEntrySchema = z
  .object({
    id: idSchema,
    evidenceId: idSchema,
    action: custodyActionSchema,
    /** UTC instant. */
    at: isoTimeSchema,
    /** The IANA zone the entry was recorded in (the case's site, else UTC). */
    timeZone: z.string(),
    /** The same instant in that zone, with its offset, e.g. 2025-03-01T10:15:00.000+01:00. */
    localTime: z.string(),
    actor: z.object({ type: z.string(), id: z.string().nullable(), label: z.string() }),
    reason: z.string().nullable(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    storageLocation: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'CustodyEntry' });
export type CustodyEntry = z.infer<typeof custodyEntrySchema>;

export const verifyResultSchema = z.object({
  intact: z.boolean(),
  sha256Expected: z.string(),
  sha256Actual: z.string().nullable(),
});
export const evidenceParams = z.object({ id: idSchema, evidenceId: idSchema });
export const contentQuery = z.object({ purpose: z.enum(['view', 'download']).default('download') });

// ---- configuration: types, SLAs, business calendars -----------------------------------------

export const incidentTypeSchema = z.object({ key: z.string(), label: z.string(), builtin: z.boolean() });
export const createIncidentTypeBody = z.object({ key: incidentTypeKey, label: shortText(100) });

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');
export const weekdayHours = z.array(z.object({ start: hhmm, end: hhmm })).max(4);
export const calendarBody = z.object({
  name: shortText(100),
  timezone: z.string().max(64),
  /** Opening hours per weekday, Monday first (7 entries); an empty day is closed. */
  hours: z.array(weekdayHours).length(7),
  holidays: z.array(dateOnly).max(500).default([]),
});
export type CalendarInput = z.infer<typeof calendarBody>;
export const calendarSchema = calendarBody.extend({ id: idSchema, version: z.number().int() });

export const slaPolicyBody = z.object({
  triageMinutes: z.number().int().min(1).max(525_600),
  resolveMinutes: z.number().int().min(1).max(5_256_000),
  /** Warn when this share of the allowed business time has passed. */
  warnPercent: z.number().int().min(1).max(99),
  /** null: around the clock. */
  calendarId: idSchema.nullable(),
});
export const slaPolicySchema = slaPolicyBody.extend({ severity: severitySchema, version: z.number().int() });
export const severityParams = z.object({ severity: severitySchema });

// ---- metrics ----------------------------------------------------------------------------------

export const metricsQuery = z.object({
  from: z.union([isoTimeSchema, dateOnly]).optional(),
  to: z.union([isoTimeSchema, dateOnly]).optional(),
  siteId: idSchema.optional(),
});
const countBy = z.array(z.object({ key: z.string().nullable(), count: z.number().int() }));
export const metricsSchema = z.object({
  total: z.number().int(),
  byType: countBy,
  bySite: countBy,
  byMonth: countBy,
  byStatus: countBy,
  timeToTriageMinutes: z.object({ average: z.number().nullable(), count: z.number().int() }),
  timeToResolveMinutes: z.object({ average: z.number().nullable(), count: z.number().int() }),
  sla: z.object({
    triageBreached: z.number().int(),
    resolveBreached: z.number().int(),
    breachRate: z.number().nullable(),
  }),
});
export type IncidentMetrics = z.infer<typeof metricsSchema>;

// ---- case workers ------------------------------------------------------------------------------

/** Someone who can be assigned a case or join its team: an active user whose role reads incidents. */
export const caseWorkerSchema = z.object({ id: idSchema, name: z.string(), role: roleSchema });
export type CaseWorker = z.infer<typeof caseWorkerSchema>;
export const caseWorkerListQuery = listQuery.extend({ q: z.string().trim().max(200).optional() });
