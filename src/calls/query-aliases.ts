import { type CallResult, type CallType, DROPPED_RESULTS, type MediaType } from './records.js';

/**
 * The words of the query grammar: filter keys, value aliases, and the usage text.
 * Every lookup is by lower-cased word; canonical names are accepted in any case.
 */

export type FilterKey = 'user' | 'name' | 'result' | 'type' | 'media' | 'last' | 'from' | 'to' | 'id';

/** Filter keys as typed (lower case, without the colon) → the filter. */
export const FILTER_KEY_ALIASES: Readonly<Record<string, FilterKey>> = {
  user: 'user',
  users: 'user',
  name: 'name',
  result: 'result',
  results: 'result',
  type: 'type',
  media: 'media',
  last: 'last',
  from: 'from',
  since: 'from',
  to: 'to',
  until: 'to',
  id: 'id',
  callid: 'id',
};

/** The keys listed in error messages, in the order people meet them. */
export const FILTER_KEYS_FOR_HELP = [
  'user:',
  'name:',
  'result:',
  'type:',
  'media:',
  'last:',
  'from:',
  'to:',
  'id:',
] as const;

/** Words that suggest a key without being one (shown as "did you mean …?"). */
const KEY_SUGGESTIONS: Readonly<Record<string, string>> = {
  caller: 'user:',
  callee: 'user:',
  uid: 'user:',
  userid: 'user:',
  account: 'user:',
  nick: 'name:',
  nickname: 'name:',
  who: 'name:',
  status: 'result:',
  state: 'result:',
  outcome: 'result:',
  end: 'to:',
  calltype: 'type:',
  kind: 'type:',
  mediatype: 'media:',
  after: 'from:',
  start: 'from:',
  before: 'to:',
  date: 'from:',
  day: 'from:',
  call: 'id:',
  callkey: 'id:',
};

/** Result words (lower case) → the Tencent `CallResult`. Canonical names are included, lower-cased. */
export const RESULT_ALIASES: Readonly<Record<string, CallResult>> = {
  normalend: 'NormalEnd',
  ok: 'NormalEnd',
  ended: 'NormalEnd',
  completed: 'NormalEnd',
  normal: 'NormalEnd',
  cancel: 'Cancel',
  cancelled: 'Cancel',
  canceled: 'Cancel',
  reject: 'Reject',
  rejected: 'Reject',
  declined: 'Reject',
  notanswer: 'NotAnswer',
  missed: 'NotAnswer',
  unanswered: 'NotAnswer',
  noanswer: 'NotAnswer',
  callbusy: 'CallBusy',
  busy: 'CallBusy',
  interrupt: 'Interrupt',
  interrupted: 'Interrupt',
  offline: 'Offline',
};

/**
 * Result words that stand for several results. `dropped` is every call that dropped, `DROPPED_RESULTS` (Interrupt
 * and Offline), as in the summary and the incidents: one meaning of the word everywhere.
 */
export const RESULT_GROUP_ALIASES: Readonly<Record<string, readonly CallResult[]>> = {
  dropped: DROPPED_RESULTS,
};

/** Call-type words (lower case) → `CallType`. */
export const CALL_TYPE_ALIASES: Readonly<Record<string, CallType>> = {
  single: 'SingleCall',
  singlecall: 'SingleCall',
  '1v1': 'SingleCall',
  '1:1': 'SingleCall',
  group: 'MultiCall',
  multi: 'MultiCall',
  multicall: 'MultiCall',
};

/** Media words (lower case) → `MediaType`. */
export const MEDIA_TYPE_ALIASES: Readonly<Record<string, MediaType>> = {
  audio: 'Audio',
  voice: 'Audio',
  video: 'Video',
};

/** How `formatQuery` writes call types and media types back in the grammar. */
export const CALL_TYPE_WORDS: Readonly<Record<CallType, string>> = { SingleCall: 'single', MultiCall: 'group' };
export const MEDIA_TYPE_WORDS: Readonly<Record<MediaType, string>> = { Audio: 'audio', Video: 'video' };

/** Relative-range units (lower case) → the canonical unit letter. */
export const DURATION_UNITS: Readonly<Record<string, 'm' | 'h' | 'd' | 'w'>> = {
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  d: 'd',
  day: 'd',
  days: 'd',
  w: 'w',
  wk: 'w',
  wks: 'w',
  week: 'w',
  weeks: 'w',
};

export const UNIT_SECONDS: Readonly<Record<'m' | 'h' | 'd' | 'w', number>> = {
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
};

function lookup<T>(table: Readonly<Record<string, T>>, word: string): T | undefined {
  const key = word.toLowerCase();
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function lookupFilterKey(word: string): FilterKey | undefined {
  return lookup(FILTER_KEY_ALIASES, word);
}
/** The results a result word stands for (one, or several for `dropped`), or undefined for an unknown word. */
export function lookupResult(word: string): readonly CallResult[] | undefined {
  const one = lookup(RESULT_ALIASES, word);
  return one === undefined ? lookup(RESULT_GROUP_ALIASES, word) : [one];
}
export function lookupCallType(word: string): CallType | undefined {
  return lookup(CALL_TYPE_ALIASES, word);
}
export function lookupMediaType(word: string): MediaType | undefined {
  return lookup(MEDIA_TYPE_ALIASES, word);
}

/** Optimal-string-alignment distance (Damerau–Levenshtein without repeated edits), for short words only. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2][j - 2] + 1);
      d[i][j] = best;
    }
  }
  return d[a.length][b.length];
}

/** The closest word of `candidates` to a misspelt `word`, when it is close enough to be a likely typo. */
export function closestWord(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  if (w.length < 2 || w.length > 24) return undefined;
  const limit = w.length >= 6 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - w.length) > limit) continue;
    const distance = editDistance(w, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** A likely intended key (with its colon) for an unknown key, if any. */
export function suggestFilterKey(word: string): string | undefined {
  const synonym = lookup(KEY_SUGGESTIONS, word);
  if (synonym) return synonym;
  const close = closestWord(word, Object.keys(FILTER_KEY_ALIASES));
  return close === undefined ? undefined : `${close}:`;
}

/** A likely intended result word for an unknown one, if any. */
export function suggestResult(word: string): string | undefined {
  return closestWord(word, [...Object.keys(RESULT_ALIASES), ...Object.keys(RESULT_GROUP_ALIASES)]);
}

/** The grammar, one line per token, for `help` in Slack and the CLI (plain text; backticks mark what to type). */
export const QUERY_SYNTAX: ReadonlyArray<{ token: string; meaning: string }> = [
  { token: 'user:<id>  or a bare word', meaning: 'calls where that Tencent user ID is the caller or a callee' },
  {
    token: 'name:<text>  or name:"first last"',
    meaning: 'calls of the users whose display name contains the text (any case, accents optional)',
  },
  {
    token: 'result:<r>[,<r>…]',
    meaning:
      'NormalEnd (ok), Cancel (cancelled), Reject (rejected, declined), NotAnswer (missed), CallBusy (busy), Interrupt (interrupted), Offline; dropped = Interrupt and Offline',
  },
  { token: 'type:single | type:group', meaning: '1:1 calls (also 1v1) or group calls (also multi)' },
  { token: 'media:audio | media:video', meaning: 'audio (also voice) or video calls' },
  { token: 'last:<n>m|h|d|w, 24h, 3d, today, yesterday', meaning: 'a range ending now, or a calendar day' },
  {
    token: 'from:<when>  to:<when>',
    meaning: 'absolute bounds in your time zone: 2026-11-20, 2026-11-20T09:30, 09:30 (today), today, yesterday',
  },
  { token: 'id:<CallId>', meaning: 'one call, with every detail' },
  { token: 'help', meaning: 'this help' },
];

export const QUERY_EXAMPLES: ReadonlyArray<{ query: string; meaning: string }> = [
  { query: 'user:147 yesterday', meaning: "user 147's calls yesterday" },
  {
    query: 'result:dropped media:video 24h',
    meaning: 'video calls that dropped (Interrupt or Offline) in the last 24 hours',
  },
  { query: '147 369 result:missed last:3d', meaning: 'missed calls of 147 or 369 in the last 3 days' },
  { query: 'name:"alice w" today', meaning: 'calls today of the users whose name contains "alice w"' },
  { query: 'from:2026-11-20T09:00 to:2026-11-20T17:00 type:group', meaning: 'group calls in office hours' },
  { query: 'id:04c9a0ac-8e38-4a19-be45-349c5ce7911b', meaning: 'one call in detail' },
];
