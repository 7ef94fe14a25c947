import type { ServerModule } from '../../platform/http/app.js';
import { registerNotificationRoutes } from './routes.js';

export const notificationsModule: ServerModule = {
  name: 'notifications',
  registerRoutes: registerNotificationRoutes,
};
