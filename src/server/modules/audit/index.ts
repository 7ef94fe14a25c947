import type { ServerModule } from '../../platform/http/app.js';
import { registerAuditRoutes } from './routes.js';

export const auditModule: ServerModule = { name: 'audit', registerRoutes: registerAuditRoutes };
