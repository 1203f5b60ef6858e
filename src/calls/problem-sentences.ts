/**
 * The sentences a person reads when Tencent or the store fails, built from the words the sync uses for its own
 * problems (sync-problem.ts): a failed search says them as its answer (slack/error-messages.ts, the CLI), and a
 * search answered from the store while the sync fails says them as a notice (store-notices.ts), so a wrong secret
 * key reads the same whichever way it is noticed.
 */
import { redactText } from '../shared/redact-text.js';
import { STORE_UNAVAILABLE_WORDS, TENCENT_FAILURE_WORDS } from './sync-problem.js';

/** What to tell whoever runs the app when Tencent refuses the credentials. */
export const TENCENT_AUTH_ADVICE = 'Ask whoever runs callkit-slack to check TENCENT_SDKAPPID/TENCENT_SECRET_KEY.';

export const TENCENT_BUSY = TENCENT_FAILURE_WORDS.busy;

/** One sentence for `StoreUnavailableError`, on every surface. */
export const STORE_UNAVAILABLE = `${STORE_UNAVAILABLE_WORDS} right now (its database cannot be reached or written); try again in a minute, and tell whoever runs callkit-slack if it lasts.`;

/** Removes anything that could carry a credential or an address from a sentence shown to a person. */
export function cleanSentence(text: string, max = 300): string {
  const cleaned = redactText(text)
    .replace(/\b(?:https?|wss?):\/\/\S+/gi, 'the Tencent API')
    // The person needs no word for the signed token (and a reply should not look like it carries one).
    .replace(/\busersig\b/gi, 'signature')
    .replace(/\s+/g, ' ')
    .trim();
  const short = cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
  return short.replace(/[.\s]+$/, '');
}

/** Tencent refused the credentials: what it said, and who should check what. */
export function tencentAuthSentence(reason: string): string {
  return `${TENCENT_FAILURE_WORDS.auth}: ${cleanSentence(reason)}. ${TENCENT_AUTH_ADVICE}`;
}
