import autocannon from 'autocannon';

/** Latency percentiles in milliseconds from a list of samples. */
export function percentiles(samples: number[], points: readonly number[]): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return Object.fromEntries(
    points.map((p) => [`p${String(p).replace('.', '_')}`, Math.round(at(p) * 100) / 100]),
  );
}

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  latencyMs: Record<string, number>;
  errors: number;
  timeouts: number;
  non2xx: number;
}

/**
 * Drives a URL with autocannon for a bounded time and measures every response's latency itself
 * (autocannon reports p97.5, not p95).
 */
export function load(options: {
  url: string;
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
}): Promise<LoadResult> {
  if (!options.url.startsWith('http://127.0.0.1:')) throw new Error('benchmarks only target 127.0.0.1');
  const samples: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        headers: options.headers,
        connections: options.connections,
        duration: options.durationSeconds,
        timeout: 10,
      },
      (error: unknown, result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error('autocannon failed', { cause: error }));
          return;
        }
        resolve({
          requestsPerSecond: Math.round(result.requests.total / result.duration),
          requests: result.requests.total,
          latencyMs: {
            ...percentiles(samples, [50, 95, 99]),
            max: Math.round(Math.max(0, ...samples) * 100) / 100,
          },
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => samples.push(responseTime));
  });
}
