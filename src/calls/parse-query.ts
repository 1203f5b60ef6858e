import { ISO_DATE_PATTERN, isCalendarDate } from './calendar-date.js';
import type { CallQuery, LocalDateTime, ParsedCommand, QueryError, RangeSpec } from './query.js';
import {
  FILTER_KEYS_FOR_HELP,
  type FilterKey,
  lookupCallType,
  lookupFilterKey,
  lookupMediaType,
  lookupResult,
  suggestFilterKey,
  suggestResult,
} from './query-aliases.js';
import {
  isValidCallId,
  isValidUserId,
  MAX_CALL_ID_LENGTH,
  MAX_NAME_FILTERS,
  MAX_NAME_TEXT_LENGTH,
  MAX_QUERY_LENGTH,
  MAX_TOKENS,
  MAX_USER_ID_LENGTH,
  MAX_USERS,
  normaliseTime,
  parseDuration,
  quoted,
  TIME_RE,
  USER_ID_RE,
} from './query-limits.js';
import type { CallResult, CallType, MediaType } from './records.js';
import { KNOWN_CALL_RESULTS } from './records.js';

/**
 * The `/calls` query grammar (shared by Slack, the CLI and the Home tab). See docs/search.md.
 *
 * Decisions beyond the spec:
 * - Tokens are separated by any whitespace; a Slack `<…>` span (mention, link) stays one token even with spaces.
 * - Keys and value words are case-insensitive; user IDs and CallIds are kept as typed (Tencent IDs are case-sensitive).
 * - `user:`/`result:`/`type:`/`media:` take comma lists and may repeat (the values add up); a bare word is a user,
 *   and a bare `147,369` is two users.
 * - `key: value` (a space after the colon) reads the next word as the value. The bare words `last`, `from`, `since`,
 *   `to`, `until` act as keys (`last 24h`, `from 2026-11-20 to 2026-11-22`, `since yesterday`): write `user:to` for
 *   a user whose ID is one of them. Likewise `today`, `yesterday`, `help` and durations such as `24h` are never users.
 * - A bare `YYYY-MM-DD` means that calendar day. `from:`/`to:` take `YYYY-MM-DD`, `YYYY-MM-DDTHH:mm` (also written
 *   as `from:2026-11-20 09:30`, the time as the next word), `HH:mm` alone (today at that time), `today`, `yesterday`
 *   and `yesterdayTHH:mm`. A `from:` date alone is the start of that day, a `to:` date alone includes the whole day.
 * - `id:<CallId>` is parsed together with the other tokens (their errors are reported) but the search ignores them.
 * - `help` or `?` anywhere, or an empty text, is a request for help.
 * - At most `MAX_QUERY_LENGTH` characters and `MAX_TOKENS` words, so any input is answered quickly.
 */

const KEY_PREFIX_RE = /^[A-Za-z]+:/;
const DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2}|today|yesterday)(?:t(\d{1,2}:\d{2}))?$/i;
const HELP_WORDS = new Set(['help', '?', '-h', '--help']);
const KEY_WORDS_ALONE = new Set(['last', 'from', 'since', 'to', 'until']);
const WHITESPACE_RE = /\s/;
/** Straight and typographic double quotes: Slack clients turn "…" into “…” as people type. */
const QUOTES = new Set(['"', '\u201c', '\u201d']);

const RESULT_CHOICES = `use one of ${KNOWN_CALL_RESULTS.join(', ')} (or ok, missed, dropped…)`;
const KEYS_CHOICE = `use ${FILTER_KEYS_FOR_HELP.join(', ')}`;
const TIME_FILTERS = 'last:…, 24h, today, yesterday, a date, or from:/to:';
const WHEN_FORMS = 'YYYY-MM-DD, YYYY-MM-DDTHH:mm, HH:mm (today), today or yesterday';

const q = quoted;

function slackMarkupMessage(token: string, markup: string): string {
  const what = markup.startsWith('<@')
    ? 'a Slack user'
    : markup.startsWith('<#')
      ? 'a Slack channel'
      : markup.startsWith('<!')
        ? 'a Slack mention'
        : 'a Slack link';
  return `${q(token)} is ${what}: give the Tencent user ID instead (letters, digits, _ - . @), e.g. user:147`;
}

function userIdMessage(token: string, id: string): string {
  if (id.includes('<') || id.includes('>')) return slackMarkupMessage(token, id.slice(id.indexOf('<')));
  if (id.length > MAX_USER_ID_LENGTH && USER_ID_RE.test(id)) {
    return `${q(id)} is longer than ${MAX_USER_ID_LENGTH} characters, the limit for a Tencent user ID`;
  }
  if (normaliseTime(id) !== undefined) return `${q(id)} is a time: write from:${id} or to:${id}`;
  if (lookupCallType(id)) return `${q(id)} is not a Tencent user ID: for the call type write type:${id.toLowerCase()}`;
  return `${q(id)} is not a Tencent user ID: use letters, digits, _ - . @ (up to ${MAX_USER_ID_LENGTH} characters), e.g. user:147`;
}

/**
 * Splits on whitespace, keeping a `<…>` span (Slack mention or link, whose label may hold spaces) and a quoted
 * `"…"` span (`name:"alice w"`) in one token. A `<` or a quote that is never closed is an ordinary character.
 */
function tokenize(text: string): string[] {
  const closing = new Array<number>(text.length);
  const quoteClosing = new Array<number>(text.length);
  let next = -1;
  let nextQuote = -1;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === '>') next = i;
    closing[i] = next;
    quoteClosing[i] = nextQuote;
    if (QUOTES.has(text[i] as string)) nextQuote = i;
  }
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (WHITESPACE_RE.test(c)) {
      if (start >= 0) tokens.push(text.slice(start, i));
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    if (c === '<' && closing[i] > i) i = closing[i];
    else if (QUOTES.has(c) && quoteClosing[i] > i) i = quoteClosing[i];
  }
  if (start >= 0) tokens.push(text.slice(start));
  return tokens;
}

interface TimePart {
  token: string;
  range: RangeSpec;
}
interface BoundPart {
  token: string;
  value: LocalDateTime;
}

class QueryBuilder {
  readonly errors: QueryError[] = [];
  readonly hints: string[] = [];
  help = false;
  private readonly users: string[] = [];
  private tooManyUsers = false;
  private readonly names: string[] = [];
  private readonly results: CallResult[] = [];
  private readonly callTypes: CallType[] = [];
  private readonly mediaTypes: MediaType[] = [];
  private time: TimePart | undefined;
  private from: BoundPart | undefined;
  private to: BoundPart | undefined;
  private callId: { token: string; id: string } | undefined;

  constructor(private readonly tokens: string[]) {}

  error(token: string, message: string): void {
    this.errors.push({ token, message });
  }

  run(): void {
    const tokens = this.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      const lower = token.toLowerCase();
      if (token.startsWith('<')) {
        this.error(token, slackMarkupMessage(token, token));
        continue;
      }
      if (HELP_WORDS.has(lower)) {
        this.help = true;
        continue;
      }
      const keyMatch = KEY_PREFIX_RE.exec(token);
      let keyWord: string | undefined;
      let value: string;
      if (keyMatch) {
        keyWord = keyMatch[0].slice(0, -1);
        value = token.slice(keyMatch[0].length);
      } else if (KEY_WORDS_ALONE.has(lower)) {
        keyWord = lower;
        value = '';
      } else {
        this.bare(token);
        continue;
      }
      const key = lookupFilterKey(keyWord);
      if (key === undefined) {
        const suggestion = suggestFilterKey(keyWord);
        const didYouMean = suggestion ? ` (did you mean ${suggestion}?)` : '';
        this.error(token, `unknown filter ${q(`${keyWord}:`)}${didYouMean}: ${KEYS_CHOICE}`);
        continue;
      }
      // `user: 147` or `from 2026-11-20`: the value is the next word.
      let valueToken = token;
      if (value === '' && i + 1 < tokens.length && !this.isKeyLike(tokens[i + 1])) {
        i++;
        value = tokens[i];
        valueToken = value;
      }
      if (value === '') {
        this.error(token, `${q(token)} needs a value, e.g. ${example(key)}`);
        continue;
      }
      if (key === 'from' || key === 'to') {
        // `from:2026-11-20 09:30`: a lone time right after a date-only bound is its time of day.
        const following = tokens[i + 1];
        let timeToken: string | undefined;
        const dateOnly = DATE_TIME_RE.exec(value);
        if (following !== undefined && TIME_RE.test(following) && dateOnly !== null && dateOnly[2] === undefined) {
          timeToken = following;
          i++;
        }
        this.bound(key, valueToken, value, timeToken);
        continue;
      }
      this.keyed(key, valueToken, value);
    }
  }

  private isKeyLike(token: string): boolean {
    const lower = token.toLowerCase();
    return KEY_PREFIX_RE.test(token) || KEY_WORDS_ALONE.has(lower) || HELP_WORDS.has(lower) || token.startsWith('<');
  }

  private keyed(key: Exclude<FilterKey, 'from' | 'to'>, token: string, value: string): void {
    switch (key) {
      case 'user':
        this.addList('user', token, value, (id) => this.addUser(token, id));
        return;
      case 'name':
        this.addName(token, value);
        return;
      case 'result':
        this.addList('result', token, value, (item) => {
          const results = lookupResult(item);
          if (results) {
            for (const result of results) addUnique(this.results, result);
            return;
          }
          const suggestion = suggestResult(item);
          const didYouMean = suggestion ? ` (did you mean ${suggestion}?)` : '';
          this.error(token, `unknown result ${q(item)}${didYouMean}: ${RESULT_CHOICES}`);
        });
        return;
      case 'type':
        this.addList('type', token, value, (item) => {
          const callType = lookupCallType(item);
          if (callType) return addUnique(this.callTypes, callType);
          this.error(token, `unknown call type ${q(item)}: use single (also 1:1, 1v1) or group (also multi)`);
        });
        return;
      case 'media':
        this.addList('media', token, value, (item) => {
          const media = lookupMediaType(item);
          if (media) return addUnique(this.mediaTypes, media);
          this.error(token, `unknown media ${q(item)}: use audio (also voice) or video`);
        });
        return;
      case 'last': {
        const duration = parseDuration(value, true);
        if ('error' in duration) {
          this.error(token, durationMessage(token, duration.error));
          return;
        }
        this.setTime(token, { kind: 'relative', seconds: duration.seconds, label: duration.label });
        return;
      }
      case 'id':
        if (!isValidCallId(value)) {
          this.error(
            token,
            `${q(value)} is not a CallId: use letters, digits, - _ . : (up to ${MAX_CALL_ID_LENGTH} characters), e.g. id:04c9a0ac-8e38-4a19-be45-349c5ce7911b`,
          );
          return;
        }
        if (this.callId) {
          this.error(token, `${q(token)} repeats id: (already ${q(this.callId.token)}): look up one call at a time`);
          return;
        }
        this.callId = { token, id: value };
        return;
    }
  }

  private addList(key: FilterKey, token: string, value: string, add: (item: string) => void): void {
    const items = listItems(value);
    if (items.length === 0) {
      this.error(token, `${q(token)} needs a value, e.g. ${example(key)}`);
      return;
    }
    for (const item of items) add(item);
  }

  /** `name:alice`, `name:"alice w"`: the text, without its quotes, for `resolveNames` to look up. */
  private addName(token: string, value: string): void {
    const text = unquote(value).replace(/\s+/g, ' ').trim();
    if (text === '' || [...QUOTES].some((quote) => text.includes(quote))) {
      this.error(token, `${q(token)} needs a name between quotes, e.g. ${example('name')}`);
      return;
    }
    if (Array.from(text).length > MAX_NAME_TEXT_LENGTH) {
      this.error(token, `${q(token)} is longer than the ${MAX_NAME_TEXT_LENGTH} characters a name may have`);
      return;
    }
    if (this.names.some((name) => name.toLowerCase() === text.toLowerCase())) return;
    if (this.names.length >= MAX_NAME_FILTERS) {
      this.error(token, `${q(token)} is one name too many: search at most ${MAX_NAME_FILTERS} names at once`);
      return;
    }
    this.names.push(text);
  }

  private addUser(token: string, id: string): void {
    if (!isValidUserId(id)) {
      this.error(token, userIdMessage(token, id));
      return;
    }
    this.pushUser(token, id);
  }

  /** Adds a user unless the query already names MAX_USERS others; returns whether it is in the list. */
  private pushUser(token: string, id: string): boolean {
    if (this.users.includes(id)) return true;
    if (this.users.length >= MAX_USERS) {
      if (!this.tooManyUsers) {
        this.tooManyUsers = true;
        this.error(token, `${q(token)} is one user too many: search at most ${MAX_USERS} users at once`);
      }
      return false;
    }
    this.users.push(id);
    return true;
  }

  private bound(key: 'from' | 'to', token: string, value: string, timeToken: string | undefined): void {
    const m = DATE_TIME_RE.exec(value);
    const timeOnly = m ? undefined : normaliseTime(value);
    let when: LocalDateTime;
    if (timeOnly !== undefined) {
      when = { date: 'today', time: timeOnly };
    } else if (m) {
      const date = m[1].toLowerCase();
      if (ISO_DATE_PATTERN.test(date) && !isCalendarDate(date)) {
        this.error(token, `${q(m[1])} is not a calendar date: use YYYY-MM-DD, e.g. ${key}:2026-11-20`);
        return;
      }
      when = { date };
      const rawTime = m[2] ?? timeToken;
      if (rawTime !== undefined) {
        const time = normaliseTime(rawTime);
        if (time === undefined) {
          this.error(timeToken ?? token, `${q(rawTime)} is not a time of day: use HH:mm from 00:00 to 23:59`);
          return;
        }
        when.time = time;
      }
    } else if (TIME_RE.test(value)) {
      this.error(token, `${q(value)} is not a time of day: use HH:mm from 00:00 to 23:59`);
      return;
    } else {
      this.error(token, `${q(token)} is not a date: use ${WHEN_FORMS}, e.g. ${key}:2026-11-20`);
      return;
    }
    const existing = key === 'from' ? this.from : this.to;
    if (existing) {
      this.error(
        token,
        `${q(token)} repeats ${key}: (already ${q(existing.token)}): give at most one from: and one to:`,
      );
      return;
    }
    if (this.time) {
      this.error(token, conflictMessage(token, this.time.token));
      return;
    }
    if (key === 'from') this.from = { token, value: when };
    else this.to = { token, value: when };
  }

  private setTime(token: string, range: RangeSpec): void {
    const other = this.time ?? this.from ?? this.to;
    if (other) {
      this.error(token, conflictMessage(token, other.token));
      return;
    }
    this.time = { token, range };
  }

  private bare(token: string): void {
    const lower = token.toLowerCase();
    if (lower === 'today' || lower === 'yesterday') {
      this.setTime(token, { kind: 'day', day: lower });
      return;
    }
    if (ISO_DATE_PATTERN.test(token)) {
      if (!isCalendarDate(token)) {
        this.error(token, `${q(token)} is not a calendar date: use YYYY-MM-DD, e.g. 2026-11-20`);
        return;
      }
      this.setTime(token, { kind: 'absolute', from: { date: token }, to: { date: token } });
      return;
    }
    if (/^\d/.test(token)) {
      const duration = parseDuration(token, false);
      if ('seconds' in duration) {
        this.setTime(token, { kind: 'relative', seconds: duration.seconds, label: duration.label });
        return;
      }
      if (duration.error === 'zero') {
        this.error(token, durationMessage(token, 'zero'));
        return;
      }
    }
    for (const id of listItems(token)) {
      if (!isValidUserId(id)) {
        this.error(token, userIdMessage(token, id));
        continue;
      }
      if (!this.pushUser(token, id)) continue;
      const hint = bareWordHint(id);
      if (hint && !this.hints.includes(hint)) this.hints.push(hint);
    }
  }

  build(): CallQuery {
    let range: RangeSpec = { kind: 'retained' };
    if (this.time) range = this.time.range;
    else if (this.from || this.to) {
      const absolute: Extract<RangeSpec, { kind: 'absolute' }> = { kind: 'absolute' };
      if (this.from) absolute.from = this.from.value;
      if (this.to) absolute.to = this.to.value;
      range = absolute;
    }
    const query: CallQuery = {
      users: this.users,
      results: this.results,
      callTypes: this.callTypes,
      mediaTypes: this.mediaTypes,
      range,
    };
    if (this.names.length > 0) query.names = this.names;
    if (this.callId) query.callId = this.callId.id;
    return query;
  }
}

/** The text between a leading and a trailing quote (either may be missing). */
function unquote(value: string): string {
  const chars = Array.from(value);
  if (chars.length > 0 && QUOTES.has(chars[0] as string)) chars.shift();
  if (chars.length > 0 && QUOTES.has(chars[chars.length - 1] as string)) chars.pop();
  return chars.join('');
}

function listItems(value: string): string[] {
  return value.split(',').filter((item) => item !== '');
}

function addUnique<T>(list: T[], item: T): void {
  if (!list.includes(item)) list.push(item);
}

function example(key: FilterKey): string {
  switch (key) {
    case 'user':
      return 'user:147';
    case 'name':
      return 'name:"alice w"';
    case 'result':
      return 'result:interrupted,offline';
    case 'type':
      return 'type:single';
    case 'media':
      return 'media:video';
    case 'last':
      return 'last:24h';
    case 'from':
      return 'from:2026-11-20';
    case 'to':
      return 'to:2026-11-21T18:00';
    case 'id':
      return 'id:04c9a0ac-8e38-4a19-be45-349c5ce7911b';
  }
}

function durationMessage(token: string, error: 'zero' | 'format'): string {
  return error === 'zero'
    ? `${q(token)} is an empty range: use at least 1, e.g. last:24h`
    : `${q(token)} is not a duration: use a number and m, h, d or w, e.g. last:90m, last:24h, last:3d, last:1w`;
}

function conflictMessage(token: string, earlier: string): string {
  return `${q(token)} conflicts with ${q(earlier)}: give one time filter (${TIME_FILTERS})`;
}

function bareWordHint(word: string): string | undefined {
  const results = lookupResult(word);
  if (results) {
    return `"${word}" was read as a user ID; for ${results.join(' and ')} calls write result:${word.toLowerCase()}`;
  }
  const callType = lookupCallType(word);
  if (callType) return `"${word}" was read as a user ID; for the call type write type:${word.toLowerCase()}`;
  const media = lookupMediaType(word);
  if (media)
    return `"${word}" was read as a user ID; for ${media.toLowerCase()} calls write media:${word.toLowerCase()}`;
  return undefined;
}

function parseUnchecked(input: unknown): ParsedCommand {
  const text = typeof input === 'string' ? input.trim() : '';
  if (text === '') return { kind: 'help' };
  if (text.length > MAX_QUERY_LENGTH) {
    const token = text.slice(0, 100);
    return {
      kind: 'invalid',
      errors: [
        {
          token,
          message: `the query starting ${q(token)} is too long (${text.length} characters): the limit is ${MAX_QUERY_LENGTH}`,
        },
      ],
    };
  }
  const tokens = tokenize(text);
  if (tokens.length > MAX_TOKENS) {
    const token = tokens[MAX_TOKENS];
    return {
      kind: 'invalid',
      errors: [
        {
          token,
          message: `the query has ${tokens.length} words, more than the ${MAX_TOKENS} allowed: ${q(token)} is the first one over`,
        },
      ],
    };
  }
  const builder = new QueryBuilder(tokens);
  builder.run();
  if (builder.help) return { kind: 'help' };
  if (builder.errors.length > 0) return { kind: 'invalid', errors: builder.errors };
  const query = builder.build();
  return builder.hints.length > 0 ? { kind: 'query', query, hints: builder.hints } : { kind: 'query', query };
}

/** Internal failure message (never expected; kept distinct so tests can assert it never shows). */
export const PARSER_FAILURE_MESSAGE = 'the query could not be read: please rephrase it, or try `help`';

/** Parses `/calls …` text. Never throws: bad input gives `{kind:'invalid'}` with every problem named. */
export function parseQuery(text: string): ParsedCommand {
  try {
    return parseUnchecked(text);
  } catch {
    const token = typeof text === 'string' ? text.slice(0, 100) : '';
    return { kind: 'invalid', errors: [{ token, message: PARSER_FAILURE_MESSAGE }] };
  }
}
