/**
 * The operations guide and the Grafana dashboard name only metrics the app serves, and the guide lists every one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/shared/metrics.js';

const served = async () => {
  const metrics = new Metrics({ processMetrics: false });
  metrics.watchStore({ incidentsOpen: async () => 0, watchesActive: async () => 0, storeCalls: async () => 0 });
  return new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
};

const mentioned = (text: string) =>
  new Set([...text.matchAll(/callkit_[a-z_]+/g)].map(([name]) => name.replace(/_(bucket|sum|count)$/, '')));

describe('docs/operations.md and docs/grafana-dashboard.json', () => {
  it('name only served metrics, and the guide lists every one', async () => {
    const names = await served();
    const guide = mentioned(readFileSync('docs/operations.md', 'utf8'));
    const dashboard = JSON.parse(readFileSync('docs/grafana-dashboard.json', 'utf8')) as { panels: unknown[] };
    expect(dashboard.panels.length).toBeGreaterThan(0);
    for (const name of [...guide, ...mentioned(JSON.stringify(dashboard))]) expect(names, name).toContain(name);
    for (const name of names) expect(guide, name).toContain(name);
  });
});
