import { describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../../src/slack/views/ids.js';

describe('ACTION_IDS', () => {
  it('gives every button its own action_id (a shared one would send a click to the wrong listener)', () => {
    const values = Object.values(ACTION_IDS);
    const repeated = values.filter((id, i) => values.indexOf(id) !== i);
    expect(repeated).toEqual([]);
  });

  it('keeps every action_id within what Slack accepts (255 characters, no spaces)', () => {
    for (const id of Object.values(ACTION_IDS)) expect(id).toMatch(/^[a-z0-9_]{1,255}$/);
  });
});
