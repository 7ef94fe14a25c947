import type { ServerModule } from '../../platform/http/app.js';
import { registerSiteRoutes } from './routes.js';

export { existingSiteIds, findSiteByCode } from './repository.js';
export { createSite } from './service.js';

export const sitesModule: ServerModule = { name: 'sites', registerRoutes: registerSiteRoutes };
