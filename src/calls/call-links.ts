/**
 * Call links: `<public origin>/calls/<CallId>`, the one address of a call outside the app. Every call a message
 * shows carries one (when PUBLIC_URL is set), Slack unfurls them into the call's card, and a browser that opens
 * one gets a page saying to open it in Slack (the page shows no call data: it cannot know who is asking).
 */

/** The path every call link starts with. */
export const CALL_LINK_PREFIX = '/calls/';

/** Longest CallId a link carries (longer ones are no real CallId; the app refuses them everywhere). */
const MAX_LINKED_CALL_ID = 512;

/** The link to one call. `origin` is `https://host[:port]`, without a trailing slash. */
export function callLink(origin: string, callId: string): string {
  return `${origin}${CALL_LINK_PREFIX}${encodeURIComponent(callId)}`;
}

/** The CallId in the path of a call link (`/calls/<CallId>`), or undefined when the path is not one. */
export function callIdOfPath(pathname: string): string | undefined {
  if (!pathname.startsWith(CALL_LINK_PREFIX)) return undefined;
  const encoded = pathname.slice(CALL_LINK_PREFIX.length);
  if (encoded === '' || encoded.includes('/')) return undefined;
  let callId: string;
  try {
    callId = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  const trimmed = callId.trim();
  return trimmed === '' || trimmed.length > MAX_LINKED_CALL_ID ? undefined : trimmed;
}

/**
 * The CallId a URL links to, when it is a call link of this app (same origin as `origin`); else undefined. Slack
 * sends every link on the unfurl domain, including ones that are not call links (the app's root, `/healthz`).
 */
export function callIdOfLink(origin: string, link: string): string | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  // By host: Slack may hand back the link with another scheme than the one PUBLIC_URL names.
  if (url.host !== new URL(origin).host) return undefined;
  return callIdOfPath(url.pathname);
}
