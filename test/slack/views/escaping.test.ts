/**
 * Every text Slack renders, fallbacks included (top-level `text`, mrkdwn and plain_text objects, button labels,
 * options, alt texts, titles), is escaped: each view is rendered with hostile values (`<!here>`, `<!channel>`,
 * `<@U123>`, `<http://evil|x>`, `&`, `*`, backticks) in every field that comes from Tencent (CallId, user IDs, RoomId,
 * an unknown CallResult, MediaType, CallType), from Tencent's error texts, and from the person's own query; then every
 * rendered string is walked and nothing unescaped may be found.
 */
import { describe, expect, it } from 'vitest';
import { localHours } from '../../../src/calls/daily-stats.js';
import type { DailySummary } from '../../../src/calls/daily-summary.js';
import { parseQuery } from '../../../src/calls/parse-query.js';
import type { CallRecord } from '../../../src/calls/records.js';
import { TencentError } from '../../../src/calls/source-errors.js';
import { dayBounds } from '../../../src/calls/time-range.js';
import { createLogger } from '../../../src/shared/logger.js';
import { userFacingError } from '../../../src/slack/error-messages.js';
import { renderCallCard, renderCallNotFoundCard, renderCardProblem } from '../../../src/slack/views/call-card.js';
import { renderCallDetails } from '../../../src/slack/views/call-details.js';
import { renderExpiredReply, renderNote, renderProblem, renderQueryErrors } from '../../../src/slack/views/errors.js';
import { renderFoundInMessage } from '../../../src/slack/views/find-calls.js';
import { renderHelp } from '../../../src/slack/views/help.js';
import { renderHomeView } from '../../../src/slack/views/home.js';
import { renderIncidentMessage } from '../../../src/slack/views/incident.js';
import { renderResultPage } from '../../../src/slack/views/result-page.js';
import { renderDailySummary } from '../../../src/slack/views/summary.js';
import { renderWatchedCall } from '../../../src/slack/views/watch.js';
import { INCIDENT_T0, incidentFacts } from '../../support/incident-facts.js';
import { NOW, NOW_SECONDS, query, searchPage } from './fixtures.js';

const PUBLIC_URL = 'https://callkit.example.com';
const HOSTILE = ['<!here>', '<!channel>', '<@U123>', '<http://evil|x>', 'a & b', '*bold*', '`tick`'];
const ALL = HOSTILE.join(' ');

function hostileRecord(i: number, value: string): CallRecord {
  return {
    callId: `${value}-${i}`,
    caller: value,
    callees: [value, `${value}2`, `<!subteam^S1>${i}`],
    mediaType: value,
    callType: value,
    startTime: NOW_SECONDS - 3600 - i * 60,
    acceptTime: NOW_SECONDS - 3600 - i * 60 + 5,
    endTime: NOW_SECONDS - 3600 - i * 60 + 65,
    result: value,
    roomId: value,
    roomIdType: 2,
  };
}

const records = [...HOSTILE.map((value, i) => hostileRecord(i, value)), hostileRecord(99, ALL)];
const page = searchPage({
  records,
  total: records.length,
  pageCount: 2,
  query: { ...query, users: [HOSTILE[0] as string, ALL] },
  notices: [`Tencent said ${ALL}`],
});
const silent = createLogger({ level: 'silent' }, { write() {} });
const tencentFailure = userFacingError(
  new TencentError('bad-request', `Tencent refused the request (ErrorCode 99999, "${ALL}").`, { code: 99999 }),
  silent,
);

function summary(): DailySummary {
  const date = '2026-11-20';
  const timeZone = 'Asia/Shanghai';
  const { from, to } = dayBounds(date, timeZone);
  const hourly = localHours(from, to, timeZone);
  return {
    date,
    timeZone,
    from,
    to,
    totalCalls: 10,
    interrupted: 3,
    offline: 1,
    dropped: 4,
    interruptedShare: 0.4,
    previousDay: null,
    change: null,
    split: { audio: 2, video: 2, single: 3, group: 1 },
    topUsers: HOSTILE.map((user, i) => ({ user, count: 5 - (i % 5) })).slice(0, 5),
    peakHour: hourly[9] ?? null,
    hourly,
    notices: [`Tencent said ${ALL}`],
  };
}

const hostileWatch = {
  id: 'w1',
  teamId: 'T0TEST0001',
  userId: 'U0PERSON01',
  channelId: 'C0SUPPORT1',
  filter: { users: HOSTILE, results: ['Interrupt'], callTypes: [], mediaTypes: [] },
  createdAt: NOW,
  expiresAt: NOW + 86_400,
  endedAt: null,
};
const hostileFacts = incidentFacts();
hostileFacts.latest.topUsers = HOSTILE.map((user, i) => ({ user, count: 9 - i }));

const RENDERED: Array<[string, unknown]> = [
  ...records.map((record): [string, unknown] => [
    `watched call ${record.callId}`,
    renderWatchedCall(hostileWatch, record, { timeZone: 'UTC' }),
  ]),
  [
    'incident message',
    renderIncidentMessage({
      incident: {
        id: 1,
        channel: 'C0ALERTS1',
        facts: hostileFacts,
        version: 1,
        messageTs: null,
        lastUpdateAt: null,
        acknowledged: { by: '<!channel>', at: INCIDENT_T0 },
      },
      mute: null,
      rule: { thresholdPercent: 10, minCalls: 20, windowSeconds: 900 },
      now: INCIDENT_T0,
      timeZone: 'UTC',
      demo: true,
    }),
  ],
  ['result page', renderResultPage(page, { demo: true, timeZone: 'Asia/Shanghai', now: NOW })],
  ['shared result page', renderResultPage(page, { demo: false, timeZone: 'UTC', now: NOW, sharedBy: 'U0PERSON01' })],
  ...records.map((record): [string, unknown] => [
    `details of ${record.callId}`,
    renderCallDetails(record, { demo: true, timeZone: 'Asia/Shanghai', now: NOW, callId: record.callId }),
  ]),
  ['details, no such call', renderCallDetails(null, { demo: false, timeZone: 'UTC', now: NOW, callId: ALL })],
  ['problem from Tencent', renderProblem(tencentFailure.text, { demo: true })],
  ['problem, raw', renderProblem(ALL, { demo: false })],
  ['note', renderNote(`Sent to your DM: ${ALL}`, { demo: true })],
  [
    'query errors',
    renderQueryErrors(
      (() => {
        const parsed = parseQuery(`user: result:${HOSTILE[0]} type:${HOSTILE[3]} ${ALL} from:${HOSTILE[2]}`);
        return parsed.kind === 'invalid' ? parsed.errors : [];
      })(),
      { demo: true },
    ),
  ],
  ['help', renderHelp({ demo: true })],
  ['expired', renderExpiredReply({ demo: true })],
  [
    'home with results',
    renderHomeView({
      filters: {
        user: ALL,
        results: [],
        callTypes: [],
        mediaTypes: [],
        preset: 'last_24h',
        from: '2026-11-20',
        fromTime: '09:00',
        to: '2026-11-21',
      },
      errors: { user: `No user ${ALL}`, range: ALL, general: ALL },
      glance: { unavailable: ALL },
      page,
      demo: true,
      timeZone: 'Asia/Shanghai',
      now: NOW,
    }),
  ],
  ['summary', renderDailySummary(summary(), { demo: true, showButtonValue: '{}' })],
  // Call links (PUBLIC_URL) on every call, with the CallId in the URL; the unfurl card, its cause; the shortcut modal.
  [
    'result page with call links',
    renderResultPage(page, { demo: false, timeZone: 'UTC', now: NOW, publicUrl: PUBLIC_URL }),
  ],
  ...records.map((record): [string, unknown] => [
    `card of ${record.callId}`,
    renderCallCard(record, { demo: true, timeZone: 'UTC', cause: `Tencent said ${ALL}` }),
  ]),
  ...records.map((record): [string, unknown] => [
    `details of ${record.callId} with its link`,
    renderCallDetails(record, { demo: false, timeZone: 'UTC', now: NOW, callId: record.callId, publicUrl: PUBLIC_URL }),
  ]),
  ['card, no such call', renderCallNotFoundCard(ALL, { demo: false })],
  ['card, a problem', renderCardProblem(tencentFailure.text, { demo: false })],
  [
    'found in a message',
    renderFoundInMessage(
      {
        users: HOSTILE.map((userId) => ({ user: { userId, name: ALL }, button: '{}' })),
        calls: HOSTILE.map((callId) => ({ callId, button: '{}' })),
      },
      { demo: true, names: new Map(HOSTILE.map((id) => [id, ALL])) },
    ),
  ],
];

/** Slack's own syntax the app writes on purpose: dates, mentions of real user IDs, channel links. */
const INTENDED = [
  /<https:\/\/callkit\.example\.com\/calls\/[A-Za-z0-9%._~!*'()-]+\|link to this call>/g,
  /<!date\^\d+\^[^|<>]*\|[^<>]*>/g,
  /<@[UW][A-Z0-9]{2,30}>/g,
  /<#C[A-Z0-9]{2,30}(\|[^<>]*)?>/g,
];
/** Keys whose strings Slack never renders as text (state, ids, addresses). */
const NOT_TEXT = new Set(['value', 'private_metadata', 'action_id', 'block_id', 'callback_id', 'url', 'image_url']);

/** Every rendered string: [where, text, whether Slack reads it as mrkdwn]. */
function renderedStrings(message: unknown): Array<[string, string, boolean]> {
  const found: Array<[string, string, boolean]> = [];
  const walk = (value: unknown, path: string, mrkdwn: boolean): void => {
    if (typeof value === 'string') {
      found.push([path, value, mrkdwn]);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        walk(item, `${path}[${i}]`, mrkdwn);
      });
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    const isMrkdwn = object.type === 'mrkdwn' || (path === '' && object.mrkdwn !== false);
    for (const [key, item] of Object.entries(object)) {
      if (NOT_TEXT.has(key) || key === 'type' || key === 'initial_value') continue;
      walk(
        item,
        path === '' ? key : `${path}.${key}`,
        key === 'text' ? isMrkdwn || object.type !== 'plain_text' : mrkdwn,
      );
    }
  };
  walk(message, '', true);
  return found;
}

function unescaped(text: string, mrkdwn: boolean): string[] {
  const problems: string[] = [];
  let rest = text;
  for (const pattern of INTENDED) rest = rest.replace(pattern, '');
  if (/[<>]/.test(rest)) problems.push(`raw < or >: ${JSON.stringify(rest.slice(0, 160))}`);
  if (/&(?!amp;|lt;|gt;)/.test(rest)) problems.push(`raw &: ${JSON.stringify(rest.slice(0, 160))}`);
  if (mrkdwn) {
    if ((rest.match(/`/g) ?? []).length % 2 !== 0) problems.push('a backtick left unbalanced');
    const outsideCode = rest.replace(/`[^`]*`/g, '');
    if (outsideCode.includes('*bold*'))
      problems.push(`*bold* outside code: ${JSON.stringify(outsideCode.slice(0, 160))}`);
  }
  return problems;
}

describe('every rendered text is escaped, whatever Tencent sends', () => {
  it.each(RENDERED)('%s', (_name, message) => {
    const strings = renderedStrings(message);
    expect(strings.length).toBeGreaterThan(0);
    const problems = strings.flatMap(([path, text, mrkdwn]) =>
      unescaped(text, mrkdwn).map((problem) => `${path}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it('the walk finds what is not escaped (a message with every hostile value raw fails it)', () => {
    const raw = { text: ALL, blocks: [{ type: 'section', text: { type: 'plain_text', text: '<!here>' } }] };
    const problems = renderedStrings(raw).flatMap(([path, text, mrkdwn]) =>
      unescaped(text, mrkdwn).map((p) => `${path}: ${p}`),
    );
    expect(problems.length).toBeGreaterThanOrEqual(3);
  });
});
