import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    // `npx vite --config src/web/vite.config.ts` next to `npm run dev` serves the app with hot reload.
    proxy: { '/api': 'http://localhost:8080', '/readyz': 'http://localhost:8080' },
  },
});
