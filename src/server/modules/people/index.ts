import type { ServerModule } from '../../platform/http/app.js';
import { registerPeopleRoutes } from './routes.js';

export { createPerson } from './service.js';

export const peopleModule: ServerModule = { name: 'people', registerRoutes: registerPeopleRoutes };
