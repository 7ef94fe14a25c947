import type { useForm } from '@mantine/form';
import { ApiError, errorMessage } from './api.js';

// @mantine/form's ESM type entry re-exports its types without a file extension, which NodeNext
// resolution cannot follow; the type is taken from useForm's answer instead.
/** Errors of a Mantine form, by field path. */
export type FormErrors = ReturnType<typeof useForm>['errors'];

/**
 * Puts a failed save's field errors on the form's fields and returns what is left to show above the
 * form: the server's message when no error could be attached to a field of this form.
 */
export function showProblemOnForm(
  form: { setErrors(errors: FormErrors): void },
  error: unknown,
  fields: readonly string[],
): string | null {
  if (!(error instanceof ApiError)) return errorMessage(error);
  const onFields = Object.entries(error.fieldErrors).filter(([field]) => fields.includes(field));
  if (onFields.length === 0) return error.message;
  form.setErrors(Object.fromEntries(onFields.map(([field, message]) => [field, capitalize(message)])));
  return onFields.length < Object.keys(error.fieldErrors).length ? error.message : null;
}

function capitalize(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
