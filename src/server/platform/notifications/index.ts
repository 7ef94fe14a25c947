export { Notifier, notifyInput, type NotifyInput, type NotifyResult } from './notifier.js';
export { EMAIL_JOB, absoluteLink } from './email.js';
export {
  WEBHOOK_JOB,
  newWebhookSecret,
  sealWebhookSecret,
  signWebhookBody,
  webhookOrigin,
  webhookSecretOf,
} from './webhooks.js';
export * as notificationsRepository from './repository.js';
