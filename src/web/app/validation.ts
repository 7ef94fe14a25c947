import { schemaResolver } from '@mantine/form';
import { z } from 'zod';
import type { FormErrors } from './forms.js';

/**
 * Words for people instead of Zod's developer messages, for the checks the web app runs before
 * sending (the contract schemas). The server keeps its own messages; they reach the fields as sent.
 */
export function installFriendlyValidationMessages(): void {
  z.config({
    customError: (issue) => {
      if (issue.code === 'invalid_type' && (issue.input === undefined || issue.input === null))
        return 'Required';
      if (issue.code === 'too_small' && issue.origin === 'string')
        return Number(issue.minimum) <= 1 ? 'Required' : `At least ${issue.minimum} characters`;
      if (issue.code === 'too_big' && issue.origin === 'string') return `At most ${issue.maximum} characters`;
      if (issue.code === 'invalid_format' && issue.format === 'email') return 'Enter a valid email address';
      if (issue.code === 'invalid_value') return 'Choose one of the options';
      return undefined;
    },
  });
}

/** A Mantine form validator that checks what will be sent (`toBody(values)`) against a contract schema. */
export function validateWith<Values>(
  schema: Parameters<typeof schemaResolver>[0],
  toBody: (values: Values) => unknown,
): (values: Values) => FormErrors {
  const resolve = schemaResolver(schema, { sync: true });
  return (values) => resolve(toBody(values));
}

/** Empty text boxes mean "no value": the API takes null for cleared optional text. */
export function orNull(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
