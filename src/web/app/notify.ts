import { notifications } from '@mantine/notifications';
import { errorMessage } from './api.js';

/** A short confirmation that something was saved. */
export function notifySuccess(message: string): void {
  notifications.show({ color: 'green', title: 'Done', message });
}

/** An error that has no form field to sit on. */
export function notifyError(error: unknown, title = 'That did not work'): void {
  notifications.show({ color: 'red', title, message: errorMessage(error), autoClose: 8000 });
}
