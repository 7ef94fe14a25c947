import type { z } from 'zod';
import {
  defaultFoldSeconds,
  type createRuleBody,
  type EventType,
  type Priority,
  type Rule,
  type UpdateRule,
} from '../../../../contracts/monitoring.js';
import type { FormErrors } from '../../../app/forms.js';
import { schedulePresets, type ScheduleWindow } from './schedule.js';

/*
 * The values of the rule form and how they become the API's create and update bodies. A rule's
 * event type and scope are fixed once it exists (the API does not change them): to move a rule,
 * create another one and disable the first.
 */

export type RuleScope = 'organization' | 'site' | 'device';

export interface RuleValues {
  name: string;
  eventType: EventType | null;
  scope: RuleScope;
  siteId: string | null;
  deviceId: string | null;
  action: 'alarm' | 'log';
  priority: Priority | null;
  armed: 'always' | 'schedule';
  windows: ScheduleWindow[];
  foldSeconds: number | string;
  enabled: boolean;
}

/** The schedule a new rule starts from when the user chooses to arm it on a schedule. */
export function startingWindows(): ScheduleWindow[] {
  const preset = schedulePresets.find((candidate) => candidate.id === 'nights_and_weekends');
  return (preset?.schedule.windows ?? []).map((window) => ({ ...window, days: [...window.days] }));
}

export function scopeOf(rule: Pick<Rule, 'siteId' | 'deviceId'>): RuleScope {
  return rule.deviceId ? 'device' : rule.siteId ? 'site' : 'organization';
}

/** The form's starting values: the rule's, or a new rule's defaults. */
export function ruleValues(
  rule: Rule | null,
  defaults: { scope: RuleScope; siteId: string | null },
): RuleValues {
  return {
    name: rule?.name ?? '',
    eventType: rule?.eventType ?? null,
    scope: rule ? scopeOf(rule) : defaults.scope,
    siteId: rule ? rule.siteId : defaults.siteId,
    deviceId: rule?.deviceId ?? null,
    action: rule?.action ?? 'alarm',
    priority: rule?.priority ?? null,
    armed: rule?.schedule ? 'schedule' : 'always',
    windows: rule?.schedule?.windows ?? startingWindows(),
    foldSeconds: rule?.foldSeconds ?? defaultFoldSeconds,
    enabled: rule?.enabled ?? true,
  };
}

const scheduleOf = (values: RuleValues) => (values.armed === 'schedule' ? { windows: values.windows } : null);
const foldOf = (values: RuleValues) => (values.foldSeconds === '' ? undefined : Number(values.foldSeconds));
const priorityOf = (values: RuleValues) => (values.action === 'alarm' ? values.priority : null);

/** The create body of the form's values (checked against the contract before it is sent). */
export function toCreateBody(
  values: RuleValues,
): Omit<z.input<typeof createRuleBody>, 'eventType'> & { eventType: EventType | null } {
  const fold = foldOf(values);
  return {
    name: values.name,
    eventType: values.eventType,
    siteId: values.scope === 'organization' ? null : values.siteId,
    deviceId: values.scope === 'device' ? values.deviceId : null,
    action: values.action,
    priority: priorityOf(values),
    schedule: scheduleOf(values),
    ...(fold === undefined ? {} : { foldSeconds: fold }),
    enabled: values.enabled,
  };
}

/** Only what changed is sent. */
export function toUpdateBody(rule: Rule, values: RuleValues): UpdateRule {
  const body: UpdateRule = {};
  if (values.name.trim() !== rule.name) body.name = values.name.trim();
  if (values.action !== rule.action) body.action = values.action;
  if (priorityOf(values) !== rule.priority) body.priority = priorityOf(values);
  const schedule = scheduleOf(values);
  if (JSON.stringify(schedule) !== JSON.stringify(rule.schedule)) body.schedule = schedule;
  const fold = foldOf(values);
  if (fold !== undefined && fold !== rule.foldSeconds) body.foldSeconds = fold;
  if (values.enabled !== rule.enabled) body.enabled = values.enabled;
  return body;
}

/** What the schemas cannot know: the scope needs its site or device, an alarm its priority. */
export function scopeErrors(values: RuleValues, creating: boolean): FormErrors {
  const errors: FormErrors = {};
  if (creating && values.scope !== 'organization' && !values.siteId) errors.siteId = 'Choose a site';
  if (creating && values.scope === 'device' && !values.deviceId) errors.deviceId = 'Choose a device';
  if (values.action === 'alarm' && !values.priority) errors.priority = 'An alarm needs a priority';
  return errors;
}
