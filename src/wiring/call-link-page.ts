/**
 * `GET /calls/<CallId>`: what a browser gets when someone opens a call link outside Slack. A call link is for Slack
 * to unfurl (where the access rules know who is asking); a browser request carries no Slack identity, so the page
 * shows no call data, not even whether the call exists: it says to paste the link into Slack.
 */
import { CALL_LINK_PREFIX, callIdOfPath } from '../calls/call-links.js';
import type { MatchingRoute } from '../slack/http/route-server.js';

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Call link · callkit</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Open this link in Slack</h1>
<p>This is a link to a call record. Paste it into a Slack conversation in the workspace where the callkit app is
installed: it unfolds into the call's card there, for people allowed to search call records.</p>
<p>Call details are only shown in Slack, never on this page.</p>
</body>
</html>
`;

export function callLinkPageRoute(): MatchingRoute {
  return {
    path: `${CALL_LINK_PREFIX}:callId`,
    method: ['GET', 'HEAD'],
    matches: (pathname) => callIdOfPath(pathname) !== undefined,
    handler: (req, res) => {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      res.end(req.method === 'HEAD' ? undefined : PAGE);
    },
  };
}
