import { DemoErrorCode, failure, type Outcome, type ProfileItem } from './protocol.js';

/**
 * The demo server's Chat profiles (`v4/profile/portrait_get`): a nickname for most demo users, no account for a
 * few (40003), as a real app with some users who never set up a profile would have. Some names carry accents,
 * and one is hostile (`<!channel> Bob`), so the demo shows that names are matched without accents and escaped.
 */

export const MAX_DEMO_PORTRAIT_ACCOUNTS = 100;
const NICK_TAG = 'Tag_Profile_IM_Nick';

/** Names of the demo dataset's users; null: the account has no profile (answered 40003). */
const DEMO_NAMES: Readonly<Record<string, string | null>> = {
  '147': 'Alice Wong',
  '369': 'Ben Carter',
  '3423': 'José Núñez',
  '10001': 'Zoë Ångström',
  'alice.w': 'Alice Walker',
  user2: null,
  bob_k: '<!channel> Bob',
  'chen.li': '李晨 (Chen Li)',
  '2048': null,
  diana: 'Diana Prince',
  'eve-ops': 'Eve *Ops* Team',
  frank88: 'François Müller',
  'grace.h': 'Grace Hopper',
  '5120': 'Søren Kierkegaard',
  henry: 'Henry Ford',
  ivy_support: 'Ivy Support',
  'jack.m': 'Jack Martin',
  kai: 'Kai Nakamura',
  '7781': null,
  'lena.s': 'Léna Dubois',
  mike_t: 'Mike Turner',
  nina: 'Nina Petrović',
  '88001': 'Ana Luísa Gonçalves',
  'oscar.p': 'Oscar Peterson',
  'liu.yang': '刘洋',
  wang_fang: '王芳',
  'zhang.wei': 'Zhang Wei',
  '90210': 'Brenda Walsh',
  'tanaka.k': '田中 健',
  'kim.jh': '김재현',
  'park.s': 'Park Seo-yeon',
  '600123': null,
  'nguyen.a': 'Nguyễn Anh',
  'siti.r': 'Siti Rahma',
  'priya.n': 'Priya Nair',
  'carlos.m': 'Carlos Martínez',
};

const FIRST = ['Amir', 'Beatriz', 'Chloé', 'Dmitri', 'Elif', 'Farah', 'Gustav', 'Hana', 'Ines', 'Jonas'];
const LAST = ['Okafor', 'Schröder', 'Lindqvist', 'Moreau', 'Yılmaz', 'Haddad', 'Novak', 'Sato', 'Costa', 'Berg'];

/** The demo nickname of any account: from the table, else generated from the ID (about 1 in 10 has none). */
export function demoNickname(userId: string): string | null {
  if (Object.hasOwn(DEMO_NAMES, userId)) return DEMO_NAMES[userId] ?? null;
  let hash = 2166136261;
  for (const char of userId) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 16777619) >>> 0;
  if (hash % 10 === 0) return null;
  return `${FIRST[hash % FIRST.length]} ${LAST[Math.floor(hash / FIRST.length) % LAST.length]}`;
}

/**
 * portrait_get: `To_Account` (1 to 100 strings) and a `TagList`; each account answered with its nickname or
 * ResultCode 40003. When no account of the request exists, the whole request answers 40003, as Tencent does.
 */
export function portraitGet(body: Record<string, unknown>, nickname: (userId: string) => string | null): Outcome {
  const accounts = body.To_Account;
  if (
    !Array.isArray(accounts) ||
    accounts.length === 0 ||
    accounts.length > MAX_DEMO_PORTRAIT_ACCOUNTS ||
    !accounts.every((a) => typeof a === 'string' && a !== '')
  ) {
    return failure(
      DemoErrorCode.profileInvalidParameter,
      `To_Account must list 1 to ${MAX_DEMO_PORTRAIT_ACCOUNTS} accounts`,
    );
  }
  const tags = body.TagList;
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) {
    return failure(DemoErrorCode.profileInvalidParameter, 'TagList must be a list of profile tags');
  }
  const wantsNick = tags.includes(NICK_TAG);
  const profiles: ProfileItem[] = (accounts as string[]).map((account) => {
    const name = nickname(account);
    if (name === null) {
      return {
        To_Account: account,
        ResultCode: DemoErrorCode.accountNotFound,
        ResultInfo: 'Err_Profile_Account_Not_Exist',
      };
    }
    return {
      To_Account: account,
      ProfileItem: wantsNick ? [{ Tag: NICK_TAG, Value: name }] : [],
      ResultCode: 0,
      ResultInfo: '',
    };
  });
  if (profiles.every((p) => p.ResultCode === DemoErrorCode.accountNotFound)) {
    return failure(DemoErrorCode.accountNotFound, 'none of the requested accounts exists');
  }
  return { ok: true, profiles };
}
