import type { z } from 'zod';
import type { createConcernBody } from '../../../../contracts/incidents.js';

/** What the reporter types into the concern form. */
export interface ConcernValues {
  description: string;
  title: string;
  type: string | null;
  siteId: string | null;
  location: string;
  occurredOn: string | null;
  anonymous: boolean;
}

export const emptyConcern: ConcernValues = {
  description: '',
  title: '',
  type: null,
  siteId: null,
  location: '',
  occurredOn: null,
  anonymous: true,
};

/**
 * The request body of the form: empty fields are left out, and without a session the report is
 * anonymous and names no site (the site list needs a session).
 */
export function toConcernBody(values: ConcernValues, signedIn: boolean): z.input<typeof createConcernBody> {
  const title = values.title.trim();
  const location = values.location.trim();
  return {
    description: values.description.trim(),
    ...(title ? { title } : {}),
    ...(values.type ? { type: values.type } : {}),
    ...(signedIn && values.siteId ? { siteId: values.siteId } : {}),
    ...(location ? { location } : {}),
    ...(values.occurredOn ? { occurredOn: values.occurredOn } : {}),
    anonymous: signedIn ? values.anonymous : true,
  };
}
