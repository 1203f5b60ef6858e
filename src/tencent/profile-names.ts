import { z } from 'zod';

/**
 * Display names from Tencent Chat profiles (`v4/profile/portrait_get`, the nickname tag only). The answer is
 * validated here, at the edge; the rest of the app sees `NicknameLookup` only.
 */

/** Most accounts one portrait_get may ask for (Tencent's documented limit). */
export const MAX_PORTRAIT_ACCOUNTS = 100;
/** The profile field that holds the nickname. */
export const NICKNAME_TAG = 'Tag_Profile_IM_Nick';
/** "The account does not exist": per account, or for the whole request when no account in it exists. */
export const ACCOUNT_NOT_FOUND = 40003;
/** Longest name kept: a nickname is a label, and a longer one would only crowd every message it appears in. */
export const MAX_NAME_LENGTH = 100;

export interface NicknameLookup {
  /** Per account that was answered: its nickname, or null (no such account, or no nickname set). */
  names: Map<string, string | null>;
  /** Accounts Tencent could not answer this time (another per-account error, or left out): ask again later. */
  failed: string[];
}

const idString = z.union([z.string(), z.number().finite().transform(String)]);
const code = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

const profileItemSchema = z.object({
  To_Account: idString,
  ProfileItem: z.array(z.object({ Tag: z.string(), Value: z.unknown() })).nullish(),
  ResultCode: code.nullish(),
});

/** The whole answer (portrait_get puts its fields beside ActionStatus, not under `Response`). */
export const portraitResponseSchema = z.object({ UserProfileItem: z.array(profileItemSchema).nullish() });

/** The request body for `accounts` (1 to MAX_PORTRAIT_ACCOUNTS of them). */
export function portraitRequest(accounts: readonly string[]): { To_Account: string[]; TagList: string[] } {
  if (accounts.length === 0 || accounts.length > MAX_PORTRAIT_ACCOUNTS) {
    throw new RangeError(`portrait_get takes 1 to ${MAX_PORTRAIT_ACCOUNTS} accounts, not ${accounts.length}`);
  }
  return { To_Account: [...accounts], TagList: [NICKNAME_TAG] };
}

/** A nickname as kept: trimmed, cut to MAX_NAME_LENGTH characters; empty or not a string reads as no name. */
export function cleanNickname(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // Control characters (line breaks, escapes) have no place in a one-line label, in Slack or a terminal.
  const trimmed = value.replace(/\p{Cc}+/gu, ' ').trim();
  if (trimmed === '') return null;
  const chars = Array.from(trimmed);
  return chars.length > MAX_NAME_LENGTH ? chars.slice(0, MAX_NAME_LENGTH).join('') : trimmed;
}

/** What the validated answer says about each account that was asked for. */
export function readPortraitAnswer(
  asked: readonly string[],
  answer: z.infer<typeof portraitResponseSchema>,
): NicknameLookup {
  const wanted = new Set(asked);
  const names = new Map<string, string | null>();
  for (const item of answer.UserProfileItem ?? []) {
    if (!wanted.has(item.To_Account)) continue;
    const resultCode = item.ResultCode ?? 0;
    if (resultCode === ACCOUNT_NOT_FOUND) {
      names.set(item.To_Account, null);
    } else if (resultCode === 0) {
      const nick = item.ProfileItem?.find((p) => p.Tag === NICKNAME_TAG);
      names.set(item.To_Account, cleanNickname(nick?.Value));
    }
  }
  return { names, failed: asked.filter((id) => !names.has(id)) };
}
