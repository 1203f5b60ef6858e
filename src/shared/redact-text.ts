/**
 * The one pattern for a credential inside a string: the UserSig travels in Tencent URLs' query strings, Slack
 * tokens start with `xox?-` or `xapp-`. Used by the logger on every message and by the Tencent client on anything
 * that may echo a URL (an error from a proxy). It lives apart from `logger.ts` so that it loads without pino.
 */
const SECRET_IN_TEXT = /(usersig=|token=|xox[abprs]-|xapp-)[^\s&"'<>\\]*/gi;

export function redactText(text: string): string {
  return text.replace(SECRET_IN_TEXT, (_match, prefix: string) => `${prefix}[redacted]`);
}
