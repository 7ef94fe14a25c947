import type { ServerModule } from '../../platform/http/app.js';
import { registerOidcRoutes } from './oidc.routes.js';
import { registerIdentityRoutes } from './routes.js';

export { findUserByEmail, findUserById, sitesOfUsers } from './repository.js';
export { createUser, issueToken, prepareFirstRunSetup, updateUser } from './service.js';
export { setSessionCookie } from './routes.js';
export { ssoErrorCodes, type SsoErrorCode } from '../../../contracts/identity.js';

export const identityModule: ServerModule = {
  name: 'identity',
  registerRoutes: (app, ctx) => {
    registerIdentityRoutes(app, ctx);
    registerOidcRoutes(app, ctx);
  },
};
