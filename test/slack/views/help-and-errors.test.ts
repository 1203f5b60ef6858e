import { describe, expect, it } from 'vitest';
import {
  renderExpiredReply,
  renderProblem,
  renderQueryErrors,
  renderRefusal,
} from '../../../src/slack/views/errors.js';
import { renderHelp } from '../../../src/slack/views/help.js';
import { assertWithinLimits } from '../../../src/slack/views/limits.js';

describe('help', () => {
  it('shows the grammar and the examples, and fits', () => {
    const { text, blocks } = renderHelp({ demo: false });
    const all = JSON.stringify(blocks);
    expect(text).toBe('How to search call records with /calls');
    for (const example of [
      '`/calls user:147 yesterday`',
      '`/calls result:dropped last:24h`',
      '`/calls id:&lt;CallId&gt;`',
      '`/calls type:group media:video from:2026-11-20 to:2026-11-21`',
    ]) {
      expect(all).toContain(example);
    }
    expect(all).toContain('• `user:&lt;id&gt;` or a bare word: calls where');
    expect(all).toContain('• `from:&lt;when&gt;` `to:&lt;when&gt;`: absolute bounds');
    expect(all).not.toContain('*Demo data*');
    assertWithinLimits(blocks, { maxBlocks: 50 });
  });

  it('says so in demo mode', () => {
    expect(JSON.stringify(renderHelp({ demo: true }).blocks)).toContain('*Demo data*');
  });

  it('says how far back a range may reach: what the store keeps, not Tencent’s 7 days', () => {
    const all = JSON.stringify(renderHelp({ demo: false, retentionDays: 90 }).blocks);
    expect(all).toContain('Without a time filter you get the last 7 days; older ranges work up to 90 days back');
    expect(all).not.toContain('all Tencent keeps');
  });
});

describe('query errors', () => {
  it('names each bad token and points to help', () => {
    const { text, blocks } = renderQueryErrors([
      { token: 'result:exploded', message: '"exploded" is not a result: use one of NormalEnd, Cancel, …' },
      { token: 'mdia:video', message: 'unknown filter "mdia": did you mean media:?' },
    ]);
    expect(text).toBe("I couldn't read that search (2 problems)");
    expect(blocks[0]).toMatchObject({
      text: {
        text:
          ":warning: I couldn't read parts of that search:\n" +
          '• `result:exploded`: "exploded" is not a result: use one of NormalEnd, Cancel, …\n' +
          '• `mdia:video`: unknown filter "mdia": did you mean media:?',
      },
    });
    expect(JSON.stringify(blocks[1])).toContain('`/calls help`');
  });

  it('escapes tokens and caps how many it lists, whatever they hold', () => {
    const errors = Array.from({ length: 40 }, (_, i) => ({
      token: `<!channel>${i}${'t'.repeat(5000)}`,
      message: `bad & worse ${'m'.repeat(5000)}`,
    }));
    const { blocks } = renderQueryErrors(errors, { demo: true });
    const all = JSON.stringify(blocks);
    expect(all).not.toContain('<!channel>');
    expect(all).toContain('• and 30 more');
    assertWithinLimits(blocks, { maxBlocks: 50 });
  });
});

describe('one problem', () => {
  it('is one sentence', () => {
    const message = 'This button has expired; run the search again with /calls user:147.';
    expect(renderProblem(message)).toEqual({
      text: message,
      blocks: [{ type: 'section', block_id: 'problem', text: { type: 'mrkdwn', text: `:warning: ${message}` } }],
    });
  });

  it('survives anything', () => {
    assertWithinLimits(renderProblem('').blocks, { maxBlocks: 50 });
    const { text, blocks } = renderProblem('<@U1> '.repeat(2000), { demo: true });
    assertWithinLimits(blocks, { maxBlocks: 50 });
    expect(text.length).toBeLessThanOrEqual(300);
    expect(JSON.stringify(blocks)).not.toContain('<@U1>');
  });
});

describe('demo mode', () => {
  // STYLE.md: every message built from demo data says so in a context line, and its notification text ends with
  // "· demo data".
  it('labels the notification text of help, query errors, problems, refusals and the expired-reply note', () => {
    const messages = [
      renderHelp({ demo: true }),
      renderQueryErrors([{ token: 'x', message: 'bad' }], { demo: true }),
      renderProblem('Tencent is busy or slow right now; try again in a minute.', { demo: true }),
      renderProblem('y'.repeat(5000), { demo: true }),
      renderRefusal('You are not allowed to search call records.', { demo: true }),
      renderExpiredReply({ demo: true }),
    ];
    for (const { text, blocks } of messages) {
      expect(text).toMatch(/ · demo data$/);
      expect(text.length).toBeLessThanOrEqual(300);
      expect(JSON.stringify(blocks)).toContain('*Demo data*');
      assertWithinLimits(blocks, { maxBlocks: 50 });
    }
    for (const { text, blocks } of [renderRefusal('No.'), renderExpiredReply()]) {
      expect(text).not.toContain('demo');
      expect(JSON.stringify(blocks)).not.toContain('Demo data');
    }
  });
});

describe('a refusal', () => {
  it('keeps the channel links of the app’s own sentence, behind :lock:', () => {
    const { blocks } = renderRefusal('Searches are limited to <#C0SUPPORT1>: use `/calls` there.');
    expect(blocks).toEqual([
      {
        type: 'section',
        block_id: 'refused',
        text: { type: 'mrkdwn', text: ':lock: Searches are limited to <#C0SUPPORT1>: use `/calls` there.' },
      },
    ]);
  });
});
