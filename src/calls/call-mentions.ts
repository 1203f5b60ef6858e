/**
 * The calls a message is about: the CallIds in its text (by their shape, a UUID as Tencent writes them) and the
 * users it names, either by a Tencent user ID the store knows (`147`) or by a display name the store knows ("Alice
 * Wong"). What "the store knows" is asked through the ports below, a bounded number of times per message, so a
 * long message costs no more than a short one past that bound.
 */
import { isValidUserId } from './query-limits.js';
import { type NameDirectory, nameSearchKey } from './user-names.js';

/** Tencent writes CallIds as UUIDs. */
const CALL_ID_RE = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
/** Most CallIds, users, and store lookups of each kind, per message. */
export const MAX_MENTIONED_CALLS = 10;
export const MAX_MENTIONED_USERS = 10;
export const MAX_ID_LOOKUPS = 40;
export const MAX_NAME_LOOKUPS = 20;
/** Shortest word looked up as (the start of) a name. */
const MIN_NAME_WORD = 3;
/** Longest message text read. */
export const MAX_MESSAGE_TEXT = 8_000;

export interface MentionPorts {
  /** Which of these user IDs have calls in the store. */
  knownUsers(userIds: readonly string[]): Promise<string[]>;
  /** The names cache; absent: no lookup by name. */
  names?: NameDirectory;
}

export interface MentionedUser {
  userId: string;
  /** The display name that named them (absent: named by ID). */
  name?: string;
}

export interface Mentions {
  users: MentionedUser[];
  callIds: string[];
}

/**
 * A Slack message's text as a person reads it: user and channel mentions (`<@U…>`, `<#C…|name>`) and special
 * mentions removed, links reduced to their address and label, entities decoded.
 */
export function plainMessageText(text: string): string {
  return text
    .slice(0, MAX_MESSAGE_TEXT)
    .replace(/<[@#!][^>]*>/g, ' ')
    .replace(/<([^>|]*)\|([^>]*)>/g, ' $1 $2 ')
    .replace(/<([^>]*)>/g, ' $1 ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The words of a text that could be user IDs (`147`, `alice.w`, `user:147`'s `147`), in order, without repeats. */
function idCandidates(text: string, callIds: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const raw of text.split(/[\s,;()[\]{}"'`*_~<>|!?]+/)) {
    const word = raw.replace(/^[a-z]+:/i, '').replace(/[.:@-]+$/, '');
    if (word === '' || !isValidUserId(word) || callIds.includes(word)) continue;
    // A URL's pieces are not user IDs.
    if (/^(https?|www)\b/i.test(raw)) continue;
    seen.add(word);
  }
  return [...seen];
}

/** Whether `phrase` occurs in `text` as whole words (both already in `nameSearchKey` form). */
function containsWords(text: string, phrase: string): boolean {
  if (phrase === '') return false;
  let from = text.indexOf(phrase);
  while (from >= 0) {
    const before = from === 0 ? ' ' : (text[from - 1] as string);
    const after = text[from + phrase.length] ?? ' ';
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
    from = text.indexOf(phrase, from + 1);
  }
  return false;
}

export async function findMentions(text: string, ports: MentionPorts): Promise<Mentions> {
  const plain = plainMessageText(text);
  const callIds = [...new Set(plain.match(CALL_ID_RE) ?? [])].slice(0, MAX_MENTIONED_CALLS);
  const users: MentionedUser[] = [];
  const known = await ports.knownUsers(idCandidates(plain, callIds).slice(0, MAX_ID_LOOKUPS));
  for (const userId of known.slice(0, MAX_MENTIONED_USERS)) users.push({ userId });

  if (ports.names !== undefined && users.length < MAX_MENTIONED_USERS) {
    // A name is found by one of its words, then kept only when the whole name is in the message.
    const key = nameSearchKey(plain.replace(CALL_ID_RE, ' '));
    const words = [...new Set(key.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= MIN_NAME_WORD))];
    for (const word of words.slice(0, MAX_NAME_LOOKUPS)) {
      for (const match of await ports.names.findUsersByName(word, MAX_MENTIONED_USERS)) {
        if (users.some((u) => u.userId === match.userId)) continue;
        if (!containsWords(key, nameSearchKey(match.name))) continue;
        users.push({ userId: match.userId, name: match.name });
        if (users.length >= MAX_MENTIONED_USERS) break;
      }
      if (users.length >= MAX_MENTIONED_USERS) break;
    }
  }
  return { users, callIds };
}
