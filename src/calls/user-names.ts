/**
 * People's display names (Tencent Chat nicknames), as the domain sees them: a directory that answers from a cache
 * (the store's `user_names`), never from Tencent, so a name lookup never delays or breaks an answer. A user
 * without a known name is simply absent from `UserNames`: every surface then shows the ID alone.
 */

/** Display names by user ID; users without a known name are absent. */
export type UserNames = ReadonlyMap<string, string>;

export const NO_NAMES: UserNames = new Map();

/** One user whose name matched a `name:` search. */
export interface NameMatch {
  userId: string;
  name: string;
}

export interface NameDirectory {
  /** The cached names of these users (one query, no Tencent request); absent users have no known name. */
  namesOf(userIds: Iterable<string>): Promise<UserNames>;
  /**
   * Users whose cached name contains `text`, compared by `nameSearchKey` (case- and accent-insensitive), at most
   * `limit` of them, by name. Asking one more than you will accept tells "too many" from "exactly that many".
   */
  findUsersByName(text: string, limit: number): Promise<NameMatch[]>;
}

/** Letters NFKD does not take apart, spelled the way people type them without accents. */
const FOLDED: Readonly<Record<string, string>> = {
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const FOLDED_RE = new RegExp(`[${Object.keys(FOLDED).join('')}]`, 'g');

/**
 * The form names are compared in, for `name:` searches: lower case, accents removed ("Zoë Ångström" → "zoe
 * angstrom"), whitespace collapsed. The store keeps it beside each name, so a search compares like with like.
 */
export function nameSearchKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(FOLDED_RE, (c) => FOLDED[c] ?? c)
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A person as plain text, "Alice Wong (`147`)", or "`147`" without a name: the one wording every surface (Slack,
 * the CLI, notices) shares. Backticks in a name become `ˋ` so it can never open a code span; escaping for mrkdwn
 * is the renderer's job, as for all text from outside.
 */
export function personText(userId: string, names: UserNames | undefined): string {
  const name = names?.get(userId);
  return name === undefined ? `\`${userId}\`` : `${name.replace(/`/g, 'ˋ')} (\`${userId}\`)`;
}

/** Every user of some calls: callers and callees. */
export function usersOf(records: Iterable<{ caller: string; callees: readonly string[] }>): Set<string> {
  const ids = new Set<string>();
  for (const record of records) {
    ids.add(record.caller);
    for (const callee of record.callees) ids.add(callee);
  }
  return ids;
}
