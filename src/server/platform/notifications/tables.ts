/** Tables of notifications and webhooks (migration 0002), merged into the database type. */
export interface NotificationsTable {
  id: string;
  user_id: string;
  category: string;
  severity: string;
  title: string;
  body: string;
  link: string | null;
  site_id: string | null;
  in_app: number;
  read_at: string | null;
  emailed_at: string | null;
  created_at: string;
}

export interface NotificationPreferencesTable {
  user_id: string;
  category: string;
  in_app: number;
  email: number;
  webhook: number;
  updated_at: string;
}

export interface WebhooksTable {
  id: string;
  name: string;
  url: string;
  secret: string;
  categories: string;
  active: number;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  event: string;
  payload: string;
  status: string;
  attempts: number;
  response_status: number | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

declare module '../db/schema.js' {
  interface Database {
    notifications: NotificationsTable;
    notification_preferences: NotificationPreferencesTable;
    webhooks: WebhooksTable;
    webhook_deliveries: WebhookDeliveriesTable;
  }
}
