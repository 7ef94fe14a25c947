import type { ServerModule } from '../../platform/http/app.js';
import { registerNotificationRoutes } from './routes.js';
import { sealLegacyWebhookSecrets } from './service.js';

export const notificationsModule: ServerModule = {
  name: 'notifications',
  registerRoutes(app, ctx) {
    registerNotificationRoutes(app, ctx);
    app.addHook('onReady', async () => {
      const sealed = await sealLegacyWebhookSecrets(ctx);
      if (sealed > 0) ctx.logger.info({ webhooks: sealed }, 'sealed the signing secrets of older webhooks');
    });
  },
};
