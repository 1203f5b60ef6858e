import { describe, expect, it } from 'vitest';
import type { IncidentRecord } from '../../../src/calls/incident-store.js';
import { decodeIncidentButton, encodeIncidentButton } from '../../../src/slack/state/incident-button-state.js';
import {
  INCIDENT_ACTIONS,
  type IncidentViewInput,
  renderEscalation,
  renderIncidentMessage,
  windowWords,
} from '../../../src/slack/views/incident.js';
import { assertWithinLimits } from '../../../src/slack/views/limits.js';
import { buttonsOf } from '../../support/block-kit.js';
import { INCIDENT_T0, incidentFacts } from '../../support/incident-facts.js';
import { shownTextOf } from '../../support/test-app.js';

const T0 = INCIDENT_T0;
const RULE = { thresholdPercent: 10, minCalls: 20, windowSeconds: 900 };

const facts = incidentFacts;

function input(overrides: Partial<IncidentRecord> = {}, rest: Partial<IncidentViewInput> = {}): IncidentViewInput {
  return {
    incident: {
      id: 7,
      channel: 'C0ALERTS1',
      facts: facts(),
      version: 1,
      messageTs: null,
      lastUpdateAt: null,
      acknowledged: null,
      ...overrides,
    },
    mute: null,
    rule: RULE,
    now: T0,
    timeZone: 'Asia/Shanghai',
    demo: false,
    ...rest,
  };
}

describe('the incident message', () => {
  it('leads with the rate and the counts; the notification text carries no user ID', () => {
    const message = renderIncidentMessage(input());
    expect(message.text).toBe('Dropped calls: 25.0% of 40 calls in the last 15 min (threshold 10.0%)');
    const shown = shownTextOf(message.blocks);
    expect(shown).toContain(
      ':warning: *25.0%* of calls dropped: *10 of 40 calls* that ended in the last 15 min (Interrupt 8 · Offline 2).',
    );
    expect(shown).toContain('The alert threshold is 10.0% (with at least 20 calls).');
    expect(shown).toContain('`147` ×6, `369` ×4');
    expect(shown).toContain('|Nov 18, 2026 at 19:06 GMT+8>'); // fallbacks in the zone passed in
    expect(message.text).not.toContain('147');
    expect(buttonsOf(message.blocks).map((b) => b.action_id)).toEqual([
      INCIDENT_ACTIONS.showCalls,
      INCIDENT_ACTIONS.acknowledge,
      INCIDENT_ACTIONS.mute1h,
      INCIDENT_ACTIONS.mute24h,
    ]);
    const ack = buttonsOf(message.blocks).find((b) => b.action_id === INCIDENT_ACTIONS.acknowledge);
    expect(decodeIncidentButton(ack?.value ?? '')).toEqual({ ok: true, state: { incidentId: 7 } });
  });

  it('says when it is under the threshold and when it would resolve', () => {
    const shown = shownTextOf(renderIncidentMessage(input({ facts: facts({ belowSince: T0 + 60 }) })).blocks);
    expect(shown).toContain(`Under the threshold since <!date^${T0 + 60}^`);
    expect(shown).toContain(`it resolves at <!date^${T0 + 960}^{time}|`);
  });

  it('shows who acknowledged (and drops the button) and who muted until when; an ended mute is not shown', () => {
    const acked = input(
      { acknowledged: { by: 'U0ONCALL01', at: T0 + 5 } },
      { mute: { until: T0 + 3600, by: 'U0MUTER001', at: T0 + 6 }, now: T0 + 10 },
    );
    const message = renderIncidentMessage(acked);
    const shown = shownTextOf(message.blocks);
    expect(shown).toContain('Acknowledged by <@U0ONCALL01>');
    expect(shown).toContain(`Muted by <@U0MUTER001> until <!date^${T0 + 3600}^`);
    expect(buttonsOf(message.blocks).map((b) => b.action_id)).not.toContain(INCIDENT_ACTIONS.acknowledge);
    const later = renderIncidentMessage({ ...acked, now: T0 + 3600 });
    expect(shownTextOf(later.blocks)).not.toContain('Muted by');
  });

  it('resolved: says so, how long it lasted and the peak; only Show calls remains', () => {
    const message = renderIncidentMessage(input({ facts: facts({ resolvedAt: T0 + 3725, peakRate: 0.5 }) }));
    expect(message.text).toBe('Resolved: dropped calls back under 10.0% after 1h 02m (peak 50.0%)');
    expect(shownTextOf(message.blocks)).toContain('The incident lasted *1h 02m*');
    expect(buttonsOf(message.blocks).map((b) => b.action_id)).toEqual([INCIDENT_ACTIONS.showCalls]);
  });

  it('says demo data in demo mode', () => {
    const message = renderIncidentMessage(input({}, { demo: true }));
    expect(message.text.endsWith('· demo data')).toBe(true);
    expect(shownTextOf(message.blocks)).toContain('Demo data');
    expect(renderEscalation(input({}, { demo: true }), { level: 0.5, previousLevel: 0.25 }).text).toContain(
      'demo data',
    );
  });

  it('stays inside Block Kit limits and inert with hostile, long user IDs', () => {
    const hostile = ['<!channel>', '<https://evil.example|x>', '`code`', 'a'.repeat(5000), '&amp;', '<@U0BOSS0001>'];
    const worst = input({
      facts: facts({
        latest: { ...facts().latest, topUsers: hostile.map((user, i) => ({ user, count: 100 - i })) },
      }),
      acknowledged: { by: '<!here>', at: T0 },
    });
    const message = renderIncidentMessage(worst);
    assertWithinLimits(message.blocks, { maxBlocks: 50 });
    const json = JSON.stringify(message);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<!here>');
    expect(json).not.toContain('<https://evil');
    expect(json).not.toContain('<@U0BOSS0001>');
  });

  it('an escalation says how far it rose, against what', () => {
    const escalation = renderEscalation(
      input({ facts: facts({ latest: { ...facts().latest, interrupted: 18, offline: 2 } }) }),
      {
        level: 0.5,
        previousLevel: 0.25,
      },
    );
    expect(shownTextOf(escalation.blocks)).toContain(
      'Worse: *50.0%* of calls dropped (2× the 25.0% it opened at; the last notice was at 25.0%).',
    );
    const all = renderEscalation(input(), { level: 1, previousLevel: 0.8 });
    expect(shownTextOf(all.blocks)).toContain('every call that ended dropped');
  });
});

describe('incident button values', () => {
  it('read back what they carry and refuse anything else', () => {
    expect(decodeIncidentButton(encodeIncidentButton(42))).toEqual({ ok: true, state: { incidentId: 42 } });
    expect(decodeIncidentButton('{"v":2,"i":42}')).toEqual({ ok: false, reason: 'outdated' });
    for (const bad of [
      '',
      '42',
      '{"v":1}',
      '{"v":1,"i":-1}',
      '{"v":1,"i":1.5}',
      '{"v":1,"i":1,"x":2}',
      'x'.repeat(200),
    ]) {
      expect(decodeIncidentButton(bad)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});

describe('windowWords', () => {
  it('names the window as people say it', () => {
    expect([45, 60, 900, 3600, 5400, 86_400].map(windowWords)).toEqual([
      '45 s',
      '1 min',
      '15 min',
      '1 h',
      '1 h 30 min',
      '24 h',
    ]);
  });
});
