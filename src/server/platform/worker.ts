import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from a module next to the caller: `startModuleWorker(import.meta.url,
 * './worker.js', options)`. Built code loads the `.js` file; running from TypeScript source
 * (Vitest, tsx) a bootstrap registers tsx first and then imports the `.ts` file, because
 * `--import tsx` in a worker's execArgv does not reach its module loader on Node 20.
 */
export function startModuleWorker(callerUrl: string, file: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(file, callerUrl), options);
  const source = new URL(file.replace(/\.js$/, '.ts'), callerUrl).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
