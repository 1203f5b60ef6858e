import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatQuery } from '../../src/calls/format-query.js';
import { PARSER_FAILURE_MESSAGE, parseQuery } from '../../src/calls/parse-query.js';
import type { CallQuery, LocalDateTime, ParsedCommand, QueryError, RangeSpec } from '../../src/calls/query.js';
import { CALL_TYPE_ALIASES, MEDIA_TYPE_ALIASES, RESULT_ALIASES } from '../../src/calls/query-aliases.js';
import { displayToken, MAX_QUERY_LENGTH, MAX_TOKENS } from '../../src/calls/query-limits.js';
import { CALL_TYPES, DROPPED_RESULTS, KNOWN_CALL_RESULTS, MEDIA_TYPES } from '../../src/calls/records.js';

const EMPTY: CallQuery = { users: [], results: [], callTypes: [], mediaTypes: [], range: { kind: 'retained' } };

function query(text: string): CallQuery {
  const parsed = parseQuery(text);
  if (parsed.kind !== 'query')
    throw new Error(`expected a query for ${JSON.stringify(text)}: ${JSON.stringify(parsed)}`);
  return parsed.query;
}

function errors(text: string): QueryError[] {
  const parsed = parseQuery(text);
  if (parsed.kind !== 'invalid')
    throw new Error(`expected errors for ${JSON.stringify(text)}: ${JSON.stringify(parsed)}`);
  return parsed.errors;
}

function range(text: string): RangeSpec {
  return query(text).range;
}

/** The message quotes (as displayed) some substring of the input. */
function quotesInput(message: string, input: string): boolean {
  for (let i = 0; i < input.length; i++) {
    for (let j = i + 1; j <= Math.min(input.length, i + 100); j++) {
      if (message.includes(`"${displayToken(input.slice(i, j))}"`)) return true;
    }
  }
  return false;
}

describe('parseQuery: help', () => {
  it.each(['', '   ', '\n\t', 'help', 'HELP', '?', '--help', '-h', 'user:147 help', 'help colour:red'])(
    '%j asks for help',
    (text) => {
      expect(parseQuery(text)).toEqual({ kind: 'help' });
    },
  );

  it('treats a non-string (a missing Slack field) as an empty text', () => {
    expect(parseQuery(undefined as unknown as string)).toEqual({ kind: 'help' });
  });
});

describe('parseQuery: users', () => {
  it('reads user:<id> and bare words as users, keeping their case', () => {
    expect(query('user:147')).toEqual({ ...EMPTY, users: ['147'] });
    expect(query('147')).toEqual({ ...EMPTY, users: ['147'] });
    expect(query('USER:Alice_01')).toEqual({ ...EMPTY, users: ['Alice_01'] });
    expect(query('Users:bob.smith@corp')).toEqual({ ...EMPTY, users: ['bob.smith@corp'] });
  });

  it('adds up several users, comma lists and repeats, without duplicates', () => {
    expect(query('147 369 user:a-b,c_d user:147 147,x')).toEqual({
      ...EMPTY,
      users: ['147', '369', 'a-b', 'c_d', 'x'],
    });
  });

  it('reads "user: 147" (a space after the colon) as user:147', () => {
    expect(query('user: 147 yesterday')).toEqual({
      ...EMPTY,
      users: ['147'],
      range: { kind: 'day', day: 'yesterday' },
    });
  });

  it('accepts a 32-character ID and rejects a 33-character one', () => {
    const id32 = 'a'.repeat(32);
    expect(query(`user:${id32}`).users).toEqual([id32]);
    const [error] = errors(`user:${id32}b`);
    expect(error.token).toBe(`user:${id32}b`);
    expect(error.message).toContain('longer than 32 characters');
  });

  it.each([
    ['147!', '"147!" is not a Tencent user ID: use letters, digits, _ - . @ (up to 32 characters), e.g. user:147'],
    ['user:jö', '"jö" is not a Tencent user ID'],
    ['user:a/b', '"a/b" is not a Tencent user ID'],
    ['1:1', '"1:1" is not a Tencent user ID: for the call type write type:1:1'],
    ['09:30', '"09:30" is a time: write from:09:30 or to:09:30'],
  ])('rejects %j naming it', (text, message) => {
    const [error] = errors(text);
    expect(error.token).toBe(text);
    expect(error.message).toContain(message);
  });

  it('explains that a Slack mention or link is not a Tencent user ID', () => {
    const found = errors(
      '<@U123ABC|alice> user:<@U999> <mailto:bob@example.com|bob@example.com> <#C42|general> <https://x.y|a label>',
    );
    expect(found.map((e) => e.token)).toEqual([
      '<@U123ABC|alice>',
      'user:<@U999>',
      '<mailto:bob@example.com|bob@example.com>',
      '<#C42|general>',
      '<https://x.y|a label>',
    ]);
    expect(found[0].message).toBe(
      '"<@U123ABC|alice>" is a Slack user: give the Tencent user ID instead (letters, digits, _ - . @), e.g. user:147',
    );
    expect(found[1].message).toContain('is a Slack user');
    expect(found[2].message).toContain('is a Slack link: give the Tencent user ID instead');
    expect(found[3].message).toContain('is a Slack channel');
    expect(found[4].message).toContain('"<https://x.y|a label>" is a Slack link');
  });

  it('hints when a bare word that is also a filter word was read as a user', () => {
    const parsed = parseQuery('missed video group');
    expect(parsed).toEqual({
      kind: 'query',
      query: { ...EMPTY, users: ['missed', 'video', 'group'] },
      hints: [
        '"missed" was read as a user ID; for NotAnswer calls write result:missed',
        '"video" was read as a user ID; for video calls write media:video',
        '"group" was read as a user ID; for the call type write type:group',
      ],
    });
    expect(parseQuery('147')).not.toHaveProperty('hints');
  });
});

describe('parseQuery: results, call types, media', () => {
  it.each(Object.entries(RESULT_ALIASES))('result:%s is %s, in any case', (alias, result) => {
    expect(query(`result:${alias}`).results).toEqual([result]);
    expect(query(`RESULT:${alias.toUpperCase()}`).results).toEqual([result]);
    expect(query(`results:${alias}`).results).toEqual([result]);
  });

  it.each(KNOWN_CALL_RESULTS)('accepts the canonical name %s in any case', (name) => {
    expect(query(`result:${name}`).results).toEqual([name]);
    expect(query(`result:${name.toLowerCase()}`).results).toEqual([name]);
    expect(query(`result:${name.toUpperCase()}`).results).toEqual([name]);
  });

  it('result:dropped is every dropped call, Interrupt and Offline, as in the summary and incidents', () => {
    expect(query('result:dropped').results).toEqual(['Interrupt', 'Offline']);
    expect(query('result:DROPPED').results).toEqual([...DROPPED_RESULTS]);
    expect(query('result:offline,dropped').results).toEqual(['Offline', 'Interrupt']);
    expect(parseQuery('dropped')).toMatchObject({
      hints: ['"dropped" was read as a user ID; for Interrupt and Offline calls write result:dropped'],
    });
  });

  it('takes several results, in order, without duplicates', () => {
    expect(query('result:interrupted,Offline,dropped result:missed,busy').results).toEqual([
      'Interrupt',
      'Offline',
      'NotAnswer',
      'CallBusy',
    ]);
    expect(query('result:ok,').results).toEqual(['NormalEnd']);
  });

  it('names an unknown result and lists the choices', () => {
    const found = errors('result:exploded');
    expect(found).toEqual([
      {
        token: 'result:exploded',
        message:
          'unknown result "exploded": use one of NormalEnd, Cancel, Reject, NotAnswer, CallBusy, Interrupt, Offline (or ok, missed, dropped…)',
      },
    ]);
  });

  it('suggests a close result word', () => {
    expect(errors('result:interupted')[0].message).toContain('unknown result "interupted" (did you mean interrupted?)');
    expect(errors('result:cancle')[0].message).toContain('(did you mean cancel?)');
  });

  it('reports every unknown result of a list', () => {
    expect(errors('result:missed,foo,bar').map((e) => e.message.slice(0, 22))).toEqual([
      'unknown result "foo": ',
      'unknown result "bar": ',
    ]);
  });

  it.each(Object.entries(CALL_TYPE_ALIASES))('type:%s is %s', (alias, callType) => {
    expect(query(`type:${alias}`).callTypes).toEqual([callType]);
    expect(query(`TYPE:${alias.toUpperCase()}`).callTypes).toEqual([callType]);
  });

  it.each(CALL_TYPES)('accepts type:%s', (name) => {
    expect(query(`type:${name}`).callTypes).toEqual([name]);
  });

  it.each(Object.entries(MEDIA_TYPE_ALIASES))('media:%s is %s', (alias, media) => {
    expect(query(`media:${alias}`).mediaTypes).toEqual([media]);
    expect(query(`Media:${alias.toUpperCase()}`).mediaTypes).toEqual([media]);
  });

  it.each(MEDIA_TYPES)('accepts media:%s', (name) => {
    expect(query(`media:${name}`).mediaTypes).toEqual([name]);
  });

  it('adds up types and media', () => {
    expect(query('type:single type:group,1v1 media:voice,video').callTypes).toEqual(['SingleCall', 'MultiCall']);
    expect(query('type:single type:group,1v1 media:voice,video').mediaTypes).toEqual(['Audio', 'Video']);
  });

  it('names an unknown type or media', () => {
    expect(errors('type:conference')).toEqual([
      {
        token: 'type:conference',
        message: 'unknown call type "conference": use single (also 1:1, 1v1) or group (also multi)',
      },
    ]);
    expect(errors('media:screen')).toEqual([
      { token: 'media:screen', message: 'unknown media "screen": use audio (also voice) or video' },
    ]);
  });
});

describe('parseQuery: time filters', () => {
  it.each([
    ['last:24h', 86_400, '24h'],
    ['24h', 86_400, '24h'],
    ['24H', 86_400, '24h'],
    ['LAST:3D', 259_200, '3d'],
    ['3d', 259_200, '3d'],
    ['90m', 5_400, '90m'],
    ['1w', 604_800, '1w'],
    ['last:2days', 172_800, '2d'],
    ['last:36hours', 129_600, '36h'],
    ['last:15min', 900, '15m'],
    ['last:day', 86_400, '1d'],
    ['last:week', 604_800, '1w'],
    ['last:30d', 2_592_000, '30d'],
    ['last 12h', 43_200, '12h'],
    ['last: 12h', 43_200, '12h'],
    ['last:024h', 86_400, '24h'],
  ])('%s is a relative range of %i s', (text, seconds, label) => {
    expect(range(text)).toEqual({ kind: 'relative', seconds, label });
  });

  it.each([
    ['today', 'today'],
    ['TODAY', 'today'],
    ['yesterday', 'yesterday'],
    ['Yesterday', 'yesterday'],
  ] as const)('%s is a calendar day', (text, day) => {
    expect(range(text)).toEqual({ kind: 'day', day });
  });

  it('reads a bare date as that calendar day', () => {
    expect(range('2026-11-20')).toEqual({ kind: 'absolute', from: { date: '2026-11-20' }, to: { date: '2026-11-20' } });
  });

  it.each<[string, LocalDateTime | undefined, LocalDateTime | undefined]>([
    ['from:2026-11-20', { date: '2026-11-20' }, undefined],
    ['to:2026-11-20', undefined, { date: '2026-11-20' }],
    ['since:2026-11-20T09:30', { date: '2026-11-20', time: '09:30' }, undefined],
    ['until:2026-11-20t9:05', undefined, { date: '2026-11-20', time: '09:05' }],
    ['from:09:30', { date: 'today', time: '09:30' }, undefined],
    ['to:7:00', undefined, { date: 'today', time: '07:00' }],
    ['from:today', { date: 'today' }, undefined],
    ['from:Yesterday to:TODAY', { date: 'yesterday' }, { date: 'today' }],
    ['from:yesterdayT18:00', { date: 'yesterday', time: '18:00' }, undefined],
    [
      'from:2026-11-20 09:30 to:2026-11-21 18:00',
      { date: '2026-11-20', time: '09:30' },
      { date: '2026-11-21', time: '18:00' },
    ],
    ['from 2026-11-20 to 2026-11-22', { date: '2026-11-20' }, { date: '2026-11-22' }],
    ['since yesterday', { date: 'yesterday' }, undefined],
    ['from: 2026-11-20 10:00', { date: '2026-11-20', time: '10:00' }, undefined],
    ['FROM:2028-02-29', { date: '2028-02-29' }, undefined],
  ])('%s', (text, from, to) => {
    const expected: RangeSpec = { kind: 'absolute' };
    if (from) expected.from = from;
    if (to) expected.to = to;
    expect(range(text)).toEqual(expected);
  });

  it('is "retained" without a time filter', () => {
    expect(range('user:147')).toEqual({ kind: 'retained' });
  });

  it.each([
    ['yesterday 24h', '24h', 'yesterday'],
    ['today yesterday', 'yesterday', 'today'],
    ['3d last:24h', 'last:24h', '3d'],
    ['today from:2026-11-20', 'from:2026-11-20', 'today'],
    ['to:2026-11-20 last:1w', 'last:1w', 'to:2026-11-20'],
    ['2026-11-20 2026-11-21', '2026-11-21', '2026-11-20'],
  ])('%s: two time filters conflict', (text, token, earlier) => {
    expect(errors(text)).toEqual([
      {
        token,
        message: `"${token}" conflicts with "${earlier}": give one time filter (last:…, 24h, today, yesterday, a date, or from:/to:)`,
      },
    ]);
  });

  it('rejects a repeated from: or to:', () => {
    expect(errors('from:2026-11-20 from:2026-11-21')).toEqual([
      {
        token: 'from:2026-11-21',
        message: '"from:2026-11-21" repeats from: (already "from:2026-11-20"): give at most one from: and one to:',
      },
    ]);
    expect(errors('to:today until:yesterday')[0].message).toContain('"until:yesterday" repeats to:');
  });

  it.each([
    ['from:2026-02-30', '"2026-02-30" is not a calendar date: use YYYY-MM-DD, e.g. from:2026-11-20'],
    ['to:2026-13-01', '"2026-13-01" is not a calendar date'],
    ['2027-02-29', '"2027-02-29" is not a calendar date'],
    ['from:2026-11-20T24:00', '"24:00" is not a time of day: use HH:mm from 00:00 to 23:59'],
    ['to:12:60', '"12:60" is not a time of day'],
    [
      'from:nov20',
      '"from:nov20" is not a date: use YYYY-MM-DD, YYYY-MM-DDTHH:mm, HH:mm (today), today or yesterday, e.g. from:2026-11-20',
    ],
    ['since:2026-11-20T09:30:15', '"since:2026-11-20T09:30:15" is not a date'],
    ['0h', '"0h" is an empty range: use at least 1, e.g. last:24h'],
    ['last:0d', '"last:0d" is an empty range'],
    [
      'last:3y',
      '"last:3y" is not a duration: use a number and m, h, d or w, e.g. last:90m, last:24h, last:3d, last:1w',
    ],
    ['last:1234567d', '"last:1234567d" is not a duration'],
    ['last:-1d', '"last:-1d" is not a duration'],
  ])('%s is an error naming the token', (text, message) => {
    const [error] = errors(text);
    expect(error.message).toContain(message);
    expect(text).toContain(error.token);
  });

  it('names the time token when the merged time is bad', () => {
    expect(errors('from:2026-11-20 25:00')).toEqual([
      { token: '25:00', message: '"25:00" is not a time of day: use HH:mm from 00:00 to 23:59' },
    ]);
  });
});

describe('parseQuery: id and other errors', () => {
  it('reads id:<CallId> keeping its case, with the other filters parsed too', () => {
    expect(query('id:04c9a0ac-8e38-4A19-be45-349c5ce7911b')).toEqual({
      ...EMPTY,
      callId: '04c9a0ac-8e38-4A19-be45-349c5ce7911b',
    });
    expect(query('CALLID:abc user:147')).toEqual({ ...EMPTY, users: ['147'], callId: 'abc' });
  });

  it('rejects a second id: and a malformed CallId', () => {
    expect(errors('id:a id:b')).toEqual([
      { token: 'id:b', message: '"id:b" repeats id: (already "id:a"): look up one call at a time' },
    ]);
    expect(errors('id:a/b')[0].message).toContain('"a/b" is not a CallId');
    expect(errors(`id:${'x'.repeat(129)}`)[0].message).toContain('is not a CallId');
  });

  it('names an unknown filter with the valid keys', () => {
    expect(errors('colour:red')).toEqual([
      {
        token: 'colour:red',
        message: 'unknown filter "colour:": use user:, name:, result:, type:, media:, last:, from:, to:, id:',
      },
    ]);
    expect(errors('reslt:missed')[0].message).toBe(
      'unknown filter "reslt:" (did you mean result:?): use user:, name:, result:, type:, media:, last:, from:, to:, id:',
    );
    expect(errors('status:missed')[0].message).toContain('(did you mean result:?)');
    expect(errors('caller:147')[0].message).toContain('(did you mean user:?)');
  });

  it.each([
    ['user:', '"user:" needs a value, e.g. user:147'],
    ['result:', '"result:" needs a value, e.g. result:interrupted,offline'],
    ['result:,', '"result:," needs a value'],
    ['media:', '"media:" needs a value, e.g. media:video'],
    ['id:', '"id:" needs a value'],
    ['147 from', '"from" needs a value, e.g. from:2026-11-20'],
    ['until: yesterday:x', '"until:" needs a value, e.g. to:2026-11-21T18:00'],
  ])('%j: a key without a value', (text, message) => {
    expect(errors(text).some((e) => e.message.startsWith(message))).toBe(true);
  });

  it('collects every error of the input, in order', () => {
    const found = errors('colour:red user:147 result:exploded 147! yesterday 24h from:2026-02-30 <@U1>');
    expect(found.map((e) => e.token)).toEqual([
      'colour:red',
      'result:exploded',
      '147!',
      '24h',
      'from:2026-02-30',
      '<@U1>',
    ]);
  });

  it('refuses a text that is too long, quickly, naming its start', () => {
    const text = `user:147 ${'x'.repeat(MAX_QUERY_LENGTH)}`;
    const [error] = errors(text);
    expect(error.message).toBe(
      `the query starting "user:147 ${'x'.repeat(31)}…" is too long (${text.length} characters): the limit is ${MAX_QUERY_LENGTH}`,
    );
    expect(text.startsWith(error.token)).toBe(true);
  });

  it('refuses too many words, naming the first one over', () => {
    const words = Array.from({ length: MAX_TOKENS + 5 }, (_, i) => `u${i}`);
    expect(errors(words.join(' '))).toEqual([
      {
        token: `u${MAX_TOKENS}`,
        message: `the query has ${MAX_TOKENS + 5} words, more than the ${MAX_TOKENS} allowed: "u${MAX_TOKENS}" is the first one over`,
      },
    ]);
    const fortyWords = [...words.slice(0, 20), ...Array.from({ length: MAX_TOKENS - 20 }, () => 'result:ok')];
    expect(query(fortyWords.join(' ')).users).toHaveLength(20);
  });

  it('escapes control and invisible characters when quoting a token', () => {
    const [error] = errors('a\u0000b\u202Ec');
    expect(error.token).toBe('a\u0000b\u202Ec');
    expect(error.message).toContain('"a\\u{0}b\\u{202E}c" is not a Tencent user ID');
  });

  it('splits on any whitespace, including no-break spaces and newlines', () => {
    expect(query('user:147\u00A0yesterday\nresult:missed\u3000media:video')).toEqual({
      users: ['147'],
      results: ['NotAnswer'],
      callTypes: [],
      mediaTypes: ['Video'],
      range: { kind: 'day', day: 'yesterday' },
    });
  });
});

describe('formatQuery', () => {
  it('writes a query in the grammar', () => {
    expect(
      formatQuery({
        users: ['147', '369'],
        results: ['Interrupt', 'Offline'],
        callTypes: ['SingleCall'],
        mediaTypes: ['Video'],
        range: { kind: 'relative', seconds: 86_400, label: '24h' },
      }),
    ).toBe('user:147,369 result:Interrupt,Offline type:single media:video last:24h');
    expect(formatQuery(EMPTY)).toBe('');
    expect(
      formatQuery({
        ...EMPTY,
        range: { kind: 'absolute', from: { date: 'today', time: '09:00' }, to: { date: 'yesterday' } },
      }),
    ).toBe('from:09:00 to:yesterday');
    expect(formatQuery({ ...EMPTY, callId: 'abc' })).toBe('id:abc');
  });

  it('writes a relative range from its seconds when the label is not in the grammar', () => {
    expect(formatQuery({ ...EMPTY, range: { kind: 'relative', seconds: 86_400, label: 'last 24 hours' } })).toBe(
      'last:1d',
    );
    expect(formatQuery({ ...EMPTY, range: { kind: 'relative', seconds: 5_400, label: '' } })).toBe('last:90m');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties

const WORDS = [
  'user:',
  'user:147',
  'result:',
  'result:missed,',
  'results:OK',
  'type:',
  'type:1:1',
  'media:',
  'last:',
  'last:3d',
  'from:',
  'to:',
  'since',
  'until',
  'from',
  'to',
  'last',
  'id:',
  'id:x',
  'today',
  'yesterday',
  '24h',
  '0m',
  '2026-02-30',
  '2026-11-20',
  '09:30',
  '25:99',
  'T',
  ',',
  ':',
  '<',
  '>',
  '<@U1|a b>',
  'help',
  '?',
  '147',
  'colour:red',
  '\u0000',
  '\u202E',
  '😀',
];
const SEPARATORS = [' ', '  ', '\t', '\n', '\u00A0', '\u3000', ''];

const grammarish = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })),
      fc.constantFrom(...SEPARATORS),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.map(([word, sep]) => word + sep).join(''));

const anyText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  grammarish,
);

function checkWellFormed(text: string, parsed: ParsedCommand): void {
  expect(['help', 'query', 'invalid']).toContain(parsed.kind);
  if (parsed.kind !== 'invalid') return;
  expect(parsed.errors.length).toBeGreaterThan(0);
  for (const error of parsed.errors) {
    expect(error.message).not.toBe(PARSER_FAILURE_MESSAGE);
    expect(error.token.length).toBeGreaterThan(0);
    expect(text).toContain(error.token);
    expect(quotesInput(error.message, text)).toBe(true);
  }
}

describe('parseQuery: properties', () => {
  it('never throws and always answers with well-formed errors that quote the input', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        checkWellFormed(text, parseQuery(text));
      }),
      { numRuns: 1500 },
    );
  });

  it('answers long and hostile inputs quickly', () => {
    const inputs = [
      'x'.repeat(100_000),
      ' '.repeat(100_000),
      `${' '.repeat(99_990)}help`,
      '<'.repeat(100_000),
      'a '.repeat(50_000),
      'user:'.repeat(20_000),
      '<'.repeat(MAX_QUERY_LENGTH),
      '< '.repeat(MAX_QUERY_LENGTH / 2),
      '1'.repeat(MAX_QUERY_LENGTH),
      `last:${'9'.repeat(MAX_QUERY_LENGTH - 6)}d`,
      `result:${','.repeat(MAX_QUERY_LENGTH - 7)}`,
      '\u0000'.repeat(100_000),
      '😀'.repeat(50_000),
    ];
    for (const text of inputs) {
      const parsed = parseQuery(text);
      expect(['help', 'invalid']).toContain(parsed.kind);
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1000, maxLength: 5000 }), (text) => {
        const parsed = parseQuery(text);
        return parsed.kind === 'invalid' || parsed.kind === 'query' || parsed.kind === 'help';
      }),
      { numRuns: 50 },
    );
  });

  const userId = fc.stringMatching(/^[A-Za-z0-9_.@-]{1,32}$/);
  const localDate = fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  const time = fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const when: fc.Arbitrary<LocalDateTime> = fc.oneof(
    localDate.map((date) => ({ date })),
    fc.tuple(localDate, time).map(([date, t]) => ({ date, time: t })),
    fc.constantFrom<LocalDateTime>({ date: 'today' }, { date: 'yesterday' }),
    time.map((t) => ({ date: 'today', time: t })),
    time.map((t) => ({ date: 'yesterday', time: t })),
  );
  const rangeSpec: fc.Arbitrary<RangeSpec> = fc.oneof(
    fc.constant<RangeSpec>({ kind: 'retained' }),
    fc
      .tuple(
        fc.integer({ min: 1, max: 999_999 }),
        fc.constantFrom(['m', 60] as const, ['h', 3600] as const, ['d', 86_400] as const, ['w', 604_800] as const),
      )
      .map(([n, [unit, seconds]]): RangeSpec => ({ kind: 'relative', seconds: n * seconds, label: `${n}${unit}` })),
    fc.constantFrom<RangeSpec>({ kind: 'day', day: 'today' }, { kind: 'day', day: 'yesterday' }),
    fc
      .tuple(fc.option(when, { nil: undefined }), fc.option(when, { nil: undefined }))
      .filter(([from, to]) => from !== undefined || to !== undefined)
      .map(([from, to]) => {
        const spec: RangeSpec = { kind: 'absolute' };
        if (from) spec.from = from;
        if (to) spec.to = to;
        return spec;
      }),
  );
  const callQuery: fc.Arbitrary<CallQuery> = fc
    .record(
      {
        users: fc.uniqueArray(userId, { maxLength: 4 }),
        results: fc.uniqueArray(fc.constantFrom(...KNOWN_CALL_RESULTS), { maxLength: 7 }),
        callTypes: fc.uniqueArray(fc.constantFrom(...CALL_TYPES), { maxLength: 2 }),
        mediaTypes: fc.uniqueArray(fc.constantFrom(...MEDIA_TYPES), { maxLength: 2 }),
        range: rangeSpec,
        callId: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,128}$/),
      },
      { requiredKeys: ['users', 'results', 'callTypes', 'mediaTypes', 'range'] },
    )
    .filter((q) => formatQuery(q) !== '');

  it('round-trips: formatQuery then parseQuery gives the same query', () => {
    fc.assert(
      fc.property(callQuery, (q) => {
        expect(parseQuery(formatQuery(q))).toEqual({ kind: 'query', query: q });
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips in any letter case of keys and value words', () => {
    fc.assert(
      fc.property(callQuery, fc.boolean(), (q, upper) => {
        const text = formatQuery(q)
          .split(' ')
          .map((token) => {
            const colon = token.indexOf(':');
            const key = colon > 0 ? token.slice(0, colon) : token;
            const rest = colon > 0 ? token.slice(colon) : '';
            const keepValue = key === 'user' || key === 'id';
            const cased = upper ? key.toUpperCase() : key[0].toUpperCase() + key.slice(1);
            return cased + (keepValue ? rest : upper ? rest.toUpperCase() : rest.toLowerCase());
          })
          .join(' ');
        expect(parseQuery(text)).toEqual({ kind: 'query', query: q });
      }),
      { numRuns: 500 },
    );
  });
});

describe('user cap', () => {
  it('accepts 20 users and names the 21st as one too many', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `u${i}`);
    const ok = parseQuery(`user:${twenty.join(',')}`);
    expect(ok.kind).toBe('query');
    const tooMany = parseQuery(`user:${twenty.join(',')},u20 u21`);
    expect(tooMany.kind).toBe('invalid');
    if (tooMany.kind === 'invalid') {
      expect(tooMany.errors).toHaveLength(1);
      expect(tooMany.errors[0]?.message).toContain('at most 20 users');
    }
  });
});

describe('name:', () => {
  it('reads a word, a quoted text with spaces, typographic quotes and a spaced value', () => {
    expect(query('name:alice').names).toEqual(['alice']);
    expect(query('name:"alice w" today')).toEqual({
      ...EMPTY,
      names: ['alice w'],
      range: { kind: 'day', day: 'today' },
    });
    expect(query('name:\u201cZoë  Ång\u201d result:missed').names).toEqual(['Zoë Ång']);
    expect(query('name: "José Núñez" 147').users).toEqual(['147']);
    expect(query('name: "José Núñez" 147').names).toEqual(['José Núñez']);
    expect(query('NAME:Bob name:bob name:"<!channel>"').names).toEqual(['Bob', '<!channel>']);
  });

  it('keeps other tokens as they were: a quote never closed is an ordinary character', () => {
    expect(query('name:"alice w today').names).toEqual(['alice']);
    expect(errors('user:"147"')[0]?.message).toContain('not a Tencent user ID');
  });

  it('refuses an empty name, one with a quote inside, a very long one, and too many', () => {
    expect(errors('name:""')[0]?.message).toContain('needs a name between quotes');
    expect(errors('name:"a"b"')[0]?.message).toContain('needs a name between quotes');
    expect(errors(`name:"${'x'.repeat(101)}"`)[0]?.message).toContain('longer than the 100 characters');
    expect(errors('name:a name:b name:c name:d name:e name:f')[0]?.message).toContain('at most 5 names');
    expect(errors('name:')[0]?.message).toContain('name:"alice w"');
  });

  it('suggests name: for a nickname key', () => {
    expect(errors('nick:alice')[0]?.message).toContain('did you mean name:?');
  });

  it('round-trips through formatQuery', () => {
    const nameText = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      .map((s) => s.replace(/["\u201c\u201d\s]+/g, ' ').trim())
      .filter((s) => s !== '');
    fc.assert(
      fc.property(fc.uniqueArray(nameText, { maxLength: 3, selector: (s) => s.toLowerCase() }), (names) => {
        const q: CallQuery = { ...EMPTY, users: ['147'], ...(names.length > 0 ? { names } : {}) };
        expect(parseQuery(formatQuery(q))).toEqual({ kind: 'query', query: q });
      }),
      { numRuns: 300 },
    );
  });
});
