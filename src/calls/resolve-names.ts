/**
 * `name:` filters become user IDs when a query is run: the users whose cached display name contains the text
 * (case- and accent-insensitive, see `nameSearchKey`). The pinned query then carries IDs only, so paging and
 * sharing show the same set even if names change. The reply says which users matched.
 */

import type { CallQuery } from './query.js';
import { MAX_USERS } from './query-limits.js';
import { type NameDirectory, type NameMatch, personText } from './user-names.js';

export type NameResolution =
  | {
      ok: true;
      /** The query with the matched users added to `users` and no `names` left. */
      query: CallQuery;
      /** Who matched, by name text: "name:"alice" matched Alice Wong (`147`) and Alice Walker (`alice.w`)." */
      notices: string[];
      matches: NameMatch[];
    }
  | { ok: false; message: string };

function joinAnd(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Looks up every `name:` of `query`; a name that matches nobody, or too many, is one sentence to show instead. */
export async function resolveNames(query: CallQuery, directory: NameDirectory | undefined): Promise<NameResolution> {
  const texts = query.names ?? [];
  const { names: _names, ...rest } = query;
  if (texts.length === 0) return { ok: true, query: rest, notices: [], matches: [] };
  if (directory === undefined) {
    return { ok: false, message: 'Searching by name needs the call-record store: search by user ID instead.' };
  }
  const users = [...query.users];
  const notices: string[] = [];
  const matches: NameMatch[] = [];
  for (const text of texts) {
    const found = await directory.findUsersByName(text, MAX_USERS + 1);
    if (found.length === 0) {
      return {
        ok: false,
        message: `No user's name contains "${text}": check the spelling, or search by user ID (names are fetched from Tencent in the background, so a new user's name may take a while).`,
      };
    }
    if (found.length > MAX_USERS) {
      return {
        ok: false,
        message: `More than ${MAX_USERS} users' names contain "${text}": narrow it, e.g. name:"${text} w" or a user ID.`,
      };
    }
    for (const match of found) {
      if (!users.includes(match.userId)) users.push(match.userId);
      if (!matches.some((m) => m.userId === match.userId)) matches.push(match);
    }
    const named = new Map(found.map((m) => [m.userId, m.name]));
    notices.push(`name:"${text}" matched ${joinAnd(found.map((m) => personText(m.userId, named)))}.`);
  }
  if (users.length > MAX_USERS) {
    return {
      ok: false,
      message: `Together these names and IDs are ${users.length} users, more than the ${MAX_USERS} one search takes: narrow the names.`,
    };
  }
  return { ok: true, query: { ...rest, users }, notices, matches };
}
