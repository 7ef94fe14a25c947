import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { alarmStreamMessageSchema, type AlarmStreamMessage } from '../../../contracts/monitoring.js';
import { alarmsKey } from './labels.js';

export type StreamState = 'connecting' | 'live' | 'reconnecting';

const MAX_BACKOFF_MS = 30_000;

/**
 * Follows `GET /api/v1/alarms/stream` (the session cookie goes with it). Every change refreshes
 * the alarm queries, and every (re)connection refetches them too, because changes made while the
 * stream was down are not replayed. EventSource retries by itself after a dropped connection; when
 * it gives up (an HTTP error such as an expired session) the hook reconnects with a growing delay.
 */
export function useAlarmStream(onMessage: (message: AlarmStreamMessage) => void): StreamState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<StreamState>('connecting');
  const handler = useRef(onMessage);
  handler.current = onMessage;

  useEffect(() => {
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let backoff = 1000;
    let stopped = false;

    const connect = () => {
      source = new EventSource('/api/v1/alarms/stream', { withCredentials: true });
      source.onopen = () => {
        backoff = 1000;
        setState('live');
        void queryClient.invalidateQueries({ queryKey: alarmsKey });
      };
      source.addEventListener('alarm', (event: MessageEvent<string>) => {
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        const parsed = alarmStreamMessageSchema.safeParse(data);
        if (!parsed.success) return;
        handler.current(parsed.data);
        void queryClient.invalidateQueries({ queryKey: alarmsKey });
      });
      source.onerror = () => {
        setState('reconnecting');
        if (source?.readyState !== EventSource.CLOSED || stopped) return;
        source.close();
        retryTimer = setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      source?.close();
    };
  }, [queryClient]);

  return state;
}

let audio: AudioContext | null = null;

/**
 * A short two-tone alert for a critical alarm, synthesized (no audio file to load). Browsers keep
 * sound off until the person has interacted with the page; until then this is silent.
 */
export function playCriticalTone(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
    const start = audio.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.22, 660],
      [0.44, 880],
    ] as const) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = 'square';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.15, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.2);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.21);
    }
  } catch {
    // No audio device or API: the banner still shows.
  }
}
