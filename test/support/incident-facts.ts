/** An open incident's facts for tests: 10 of 40 calls dropped (25 %) in the window ending at `T0`. */
import type { IncidentFacts } from '../../src/calls/incident-rule.js';

export const INCIDENT_T0 = 1_795_000_000;

export function incidentFacts(overrides: Partial<IncidentFacts> = {}): IncidentFacts {
  const t0 = INCIDENT_T0;
  return {
    openedAt: t0,
    openingRate: 0.25,
    doublings: 0,
    peakRate: 0.25,
    latest: {
      from: t0 - 899,
      to: t0 + 1,
      ended: 40,
      interrupted: 8,
      offline: 2,
      topUsers: [
        { user: '147', count: 6 },
        { user: '369', count: 4 },
      ],
      firstDroppedStart: t0 - 800,
    },
    belowSince: null,
    changedAt: t0,
    resolvedAt: null,
    searchFrom: t0 - 800,
    ...overrides,
  };
}
