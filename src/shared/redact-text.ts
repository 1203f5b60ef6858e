/**
 * The one pattern for a credential inside a string: the UserSig travels in Tencent URLs' query strings, Slack
 * tokens start with `xox?-` or `xapp-`. Used by the logger on every message and by the Tencent client on anything
 * that may echo a URL (an error from a proxy). It lives apart from `logger.ts` so that it loads without pino.
 */
const SECRET_IN_TEXT = /(usersig=|token=|xox[abprs]-|xapp-)[^\s&"'<>\\]*/gi;

/**
 * The segment after `/tencent/callback/` is TENCENT_CALLBACK_TOKEN, also in the near misses a proxy, a base URL with
 * a trailing slash or a prober produces (`//tencent/callback/…`, `/tencent//callback/…`, `%2F` for a slash).
 */
// Five or more token characters: a URL the CLI cut to the token's first 4 (`…/tencent/callback/abcd…`) stays shown.
const CALLBACK_TOKEN_IN_TEXT = /(tencent(?:\/|%2f)+callback(?:\/|%2f)+)[A-Za-z0-9_%-]{5,}/gi;
/** A path segment shaped like a TENCENT_CALLBACK_TOKEN (16 or more URL-safe characters). */
const TOKEN_LIKE_SEGMENT = /(?<=\/)[A-Za-z0-9_%-]{16,}(?=\/|$)/g;

export function redactText(text: string): string {
  return text
    .replace(SECRET_IN_TEXT, (_match, prefix: string) => `${prefix}[redacted]`)
    .replace(CALLBACK_TOKEN_IN_TEXT, (_match, prefix: string) => `${prefix}[redacted]`);
}

/**
 * How a request's URL appears in a log line when nothing serves it: the path without its query, and without any
 * segment shaped like a secret, since a caller with the callback token in a wrong place (`/x/<token>`) must not get
 * it written into the logs either.
 */
export function pathForLog(url: string | undefined): string {
  const path = (url ?? '/').split(/[?#]/, 1)[0] ?? '/';
  return redactText(path).replace(TOKEN_LIKE_SEGMENT, '[redacted]').slice(0, 200);
}
