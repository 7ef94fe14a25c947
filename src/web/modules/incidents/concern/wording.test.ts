import { describe, expect, it } from 'vitest';
import { builtinIncidentTypes } from '../../../../contracts/incidents.js';
import { ApiError } from '../../../app/api.js';
import { concernTypeOptions, localToday, reporterProblem, waitInWords } from './wording.js';

describe('concernTypeOptions', () => {
  it('offers only built-in types, each once, ending with "Something else"', () => {
    const values = concernTypeOptions.map((option) => option.value);
    expect(new Set(values).size).toBe(values.length);
    for (const value of values) expect(builtinIncidentTypes).toContain(value);
    expect(concernTypeOptions.at(-1)).toEqual({ value: 'other', label: 'Something else' });
  });
});

describe('waitInWords', () => {
  it('rounds a wait up to what a person would say', () => {
    expect(waitInWords(null)).toBe('a few minutes');
    expect(waitInWords(20)).toBe('a minute');
    expect(waitInWords(60)).toBe('about 1 minute');
    expect(waitInWords(596)).toBe('about 10 minutes');
    expect(waitInWords(3600)).toBe('about 1 hour');
    expect(waitInWords(3601)).toBe('about 2 hours');
  });
});

describe('localToday', () => {
  it('is the local calendar day, zero-padded', () => {
    expect(localToday(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});

describe('reporterProblem', () => {
  const failure = (status: number, detail: string, retryAfter: number | null) => {
    const error = new ApiError(status, { type: 'about:blank', title: 'x', status, code: 'x', detail });
    error.retryAfterSeconds = retryAfter;
    return error;
  };

  it('says how long to wait after a rate limit', () => {
    expect(reporterProblem(failure(429, 'Too many requests from here.', 596), 'Too many reports.')).toBe(
      'Too many reports. Please try again in about 10 minutes.',
    );
    expect(reporterProblem(failure(429, 'Too many requests from here.', null), 'Too many reports.')).toBe(
      'Too many reports. Please try again in a few minutes.',
    );
  });

  it("passes other failures on in the server's words", () => {
    expect(reporterProblem(failure(400, 'The type is not known.', null), 'Too many.')).toBe(
      'The type is not known.',
    );
  });
});
