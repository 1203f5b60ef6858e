/** `/calls help`: the grammar with a few examples, short. */
import type { KnownBlock } from '@slack/types';
import { QUERY_SYNTAX } from '../../calls/query-aliases.js';
import { code, context, DEMO_NOTICE, escapeMrkdwn, section, withDemo } from './format.js';
import type { RenderedMessage } from './result-page.js';

export const HELP_EXAMPLES: ReadonlyArray<{ query: string; meaning: string }> = [
  { query: '/calls user:147 yesterday', meaning: "user 147's calls yesterday" },
  { query: '/calls result:dropped last:24h', meaning: 'interrupted calls of the last 24 hours' },
  { query: '/calls id:<CallId>', meaning: 'one call, every detail' },
  {
    query: '/calls type:group media:video from:2026-11-20 to:2026-11-21',
    meaning: 'group video calls on Nov 20',
  },
];

/** "user:<id>  or a bare word" → "`user:<id>` or a bare word": what to type in code, the words around it plain. */
function syntaxToken(token: string): string {
  return token
    .split(/\s{2,}/)
    .map((part) => (/^[a-z]+:|^help$/.test(part) ? code(part, 120) : escapeMrkdwn(part)))
    .join(' ');
}

export function renderHelp(ctx: { demo: boolean; retentionDays?: number }): RenderedMessage {
  const kept =
    ctx.retentionDays === undefined
      ? 'older ranges work as far back as the app keeps calls'
      : `older ranges work up to ${ctx.retentionDays} days back (e.g. \`last:30d\`)`;
  const grammar = QUERY_SYNTAX.map((s) => `• ${syntaxToken(s.token)}: ${escapeMrkdwn(s.meaning)}`).join('\n');
  const examples = HELP_EXAMPLES.map((e) => `${code(e.query, 120)}: ${escapeMrkdwn(e.meaning)}`).join('\n');
  const blocks: KnownBlock[] = [
    section(
      '*Search Tencent call records with `/calls`.* Combine any filters below. Without a time filter you get the ' +
        `last 7 days; ${kept}. Dates and days are in your Slack time zone.`,
      'help_intro',
    ),
    section(grammar, 'help_grammar'),
    section(`*Examples*\n${examples}`, 'help_examples'),
    section(
      '*Watches*: `/calls watch user:147 result:dropped` sends you a DM for each new call that matches (any filters ' +
        'but a time range); `/calls watches` lists yours, `/calls unwatch 1` stops one.',
      'help_watches',
    ),
    section(
      '*Admins*: `/calls status` shows the store, the last sync, the last hour of callbacks and Tencent requests, ' +
        'open incidents and the running processes (for the people in ADMIN_SLACK_USERS).',
      'help_status',
    ),
    context(
      [
        'Replies are visible only to you until you press *Share in channel*. The *Home* tab has the same search with menus.',
      ],
      'help_footer',
    ),
  ];
  if (ctx.demo) blocks.push(context([DEMO_NOTICE], 'help_demo'));
  return { text: withDemo('How to search call records with /calls', ctx.demo), blocks };
}
