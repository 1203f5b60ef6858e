import type { TencentErrorKind } from '../calls/source-errors.js';

/** What an ErrorCode means for us: how to treat it, and the one sentence a person can act on. */
export interface CodeMeaning {
  kind: TencentErrorKind;
  sentence: string;
}

/** 101050: "call record(s) do not exist". Not an error: an empty result, or null for a CallId lookup. */
export const RECORDS_NOT_FOUND = 101050;

const CHECK_KEY = 'check TENCENT_SECRET_KEY and TENCENT_SDKAPPID';

// Sources: Tencent Cloud Chat REST API documentation (common codes and account/UserSig codes).
const MEANINGS: Record<number, CodeMeaning> = {
  // Signature and account: a retry cannot help, the configuration must change.
  70001: {
    kind: 'auth',
    sentence:
      "Tencent says the UserSig has expired; check this machine's clock (the client signs a fresh 24-hour UserSig)",
  },
  70002: { kind: 'auth', sentence: `Tencent received an empty UserSig; ${CHECK_KEY}` },
  70003: { kind: 'auth', sentence: `Tencent rejected the UserSig as invalid; ${CHECK_KEY}` },
  70005: { kind: 'auth', sentence: `Tencent rejected the UserSig as invalid; ${CHECK_KEY}` },
  70009: {
    kind: 'auth',
    sentence: `UserSig verification failed: the secret key does not match the SDKAppID; ${CHECK_KEY}`,
  },
  70013: {
    kind: 'auth',
    sentence: 'The identifier does not match the UserSig; check TENCENT_ADMIN_USER',
  },
  70014: {
    kind: 'auth',
    sentence: 'The SDKAppID in the request does not match the UserSig; check TENCENT_SDKAPPID',
  },
  70016: {
    kind: 'auth',
    sentence: 'Tencent has no key for this SDKAppID in this data center; check the SDKAppID and TENCENT_REGION',
  },
  70020: {
    kind: 'auth',
    sentence: 'Tencent does not know this SDKAppID in this data center; check the SDKAppID and TENCENT_REGION',
  },
  70050: {
    kind: 'auth',
    sentence: 'Too many UserSig failures, Tencent blocks the account for a minute; fix TENCENT_SECRET_KEY, then wait',
  },
  70051: { kind: 'auth', sentence: 'Tencent has blocklisted the administrator account; check TENCENT_ADMIN_USER' },
  70107: {
    kind: 'auth',
    sentence: 'The administrator account does not exist in this app; check TENCENT_ADMIN_USER',
  },
  70403: {
    kind: 'auth',
    sentence: 'This request needs an App administrator; set TENCENT_ADMIN_USER to an administrator account',
  },
  60004: {
    kind: 'auth',
    sentence: 'Tencent rejected the account or signature; check TENCENT_ADMIN_USER and TENCENT_SECRET_KEY',
  },
  60005: {
    kind: 'auth',
    sentence: 'Tencent rejected the account or signature; check TENCENT_ADMIN_USER and TENCENT_SECRET_KEY',
  },
  60006: { kind: 'auth', sentence: 'Tencent says the SDKAppID is invalid; check TENCENT_SDKAPPID and TENCENT_REGION' },
  60010: {
    kind: 'auth',
    sentence: 'This request needs an App administrator; set TENCENT_ADMIN_USER to an administrator account',
  },
  60016: { kind: 'auth', sentence: 'This SDKAppID is disabled; check its status in the Tencent Cloud console' },
  60020: {
    kind: 'auth',
    sentence: "The app's Pro edition package has expired and the SDKAppID is disabled; renew it in the console",
  },
  60021: {
    kind: 'auth',
    sentence: "Tencent refused this server's IP address; add it to the REST API IP allowlist in the console",
  },
  // Frequency limits: back off and retry.
  60007: { kind: 'rate-limit', sentence: 'Tencent says the REST API call frequency limit was exceeded' },
  60011: { kind: 'rate-limit', sentence: "Tencent says the SDKAppID's request frequency limit was exceeded" },
  60018: { kind: 'rate-limit', sentence: 'Tencent says there are too many requests; retry later' },
  60019: { kind: 'rate-limit', sentence: 'Tencent says there are too many requests; retry later' },
  // Tencent-side hiccups: retry.
  101001: { kind: 'transient', sentence: 'Tencent had an internal error; retry in a moment' },
  60008: { kind: 'transient', sentence: 'Tencent timed out serving the request; retry in a moment' },
  70169: { kind: 'transient', sentence: 'Tencent timed out serving the request; retry in a moment' },
  70202: { kind: 'transient', sentence: 'Tencent timed out serving the request; retry in a moment' },
  70500: { kind: 'transient', sentence: 'Tencent had an internal error; retry in a moment' },
  // call_config (callback settings), from Tencent's callback documentation.
  100001: { kind: 'transient', sentence: 'Tencent had an internal error; retry in a moment' },
  // Request errors: our bug or an API change, retrying sends the same wrong request.
  60002: { kind: 'bad-request', sentence: 'Tencent could not parse the request URL; check TENCENT_API_BASE_URL' },
  60003: { kind: 'bad-request', sentence: 'Tencent could not parse the request body' },
  60009: {
    kind: 'bad-request',
    sentence: 'Tencent does not know this API path; check TENCENT_API_BASE_URL and TENCENT_REGION',
  },
  60012: { kind: 'bad-request', sentence: 'Tencent says the SDKAppID is missing; check TENCENT_SDKAPPID' },
  60017: {
    kind: 'bad-request',
    sentence: 'Tencent has disabled this request for the app; check the TUICallKit package',
  },
  70402: { kind: 'bad-request', sentence: 'Tencent says a request parameter is invalid' },
  101002: { kind: 'bad-request', sentence: 'Tencent says a request parameter is invalid' },
  100002: {
    kind: 'bad-request',
    sentence: 'Tencent says a callback setting is invalid (the URL must start with http:// or https://)',
  },
};

/** get_callback: no callback URL is set for the SDKAppID. */
export const CALLBACK_NOT_SET = 100301;

export function isKnownCode(code: number): boolean {
  return Object.hasOwn(MEANINGS, code);
}

/** How to treat an ErrorCode we have no entry for: account range → auth, anything else → bad-request. */
export function codeMeaning(code: number): CodeMeaning {
  const known = MEANINGS[code];
  if (known !== undefined) return known;
  if (code >= 70000 && code <= 79999) {
    return { kind: 'auth', sentence: `Tencent refused the account or UserSig; ${CHECK_KEY} and TENCENT_ADMIN_USER` };
  }
  return { kind: 'bad-request', sentence: 'Tencent refused the request' };
}

/** The sentence for a non-200 HTTP status (Tencent answers 200 even on failure, so these come from the gateway). */
export function httpStatusMeaning(status: number): CodeMeaning {
  if (status === 429) return { kind: 'rate-limit', sentence: 'Tencent answered HTTP 429 (too many requests)' };
  if (status >= 500)
    return { kind: 'transient', sentence: `Tencent's gateway answered HTTP ${status}; retry in a moment` };
  if (status === 404) {
    return {
      kind: 'bad-request',
      sentence: 'Tencent answered HTTP 404; check TENCENT_API_BASE_URL and TENCENT_REGION',
    };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'auth',
      sentence: `Tencent answered HTTP ${status}; check the IP allowlist and TENCENT_API_BASE_URL`,
    };
  }
  return { kind: 'bad-request', sentence: `Tencent answered HTTP ${status}` };
}

/** Network failures (undici error codes and socket errno codes) → transient with a plain sentence, or undefined. */
export function networkMeaning(error: unknown): CodeMeaning | undefined {
  const code = findCode(error);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { kind: 'transient', sentence: 'Connecting to Tencent timed out; check the network and TENCENT_REGION' };
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return { kind: 'transient', sentence: 'Tencent did not answer in time; retry in a moment' };
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_CLOSED':
      return { kind: 'transient', sentence: 'The connection to Tencent was closed before the answer arrived' };
    case 'ECONNREFUSED':
      return {
        kind: 'transient',
        sentence: 'Tencent refused the connection; check TENCENT_API_BASE_URL and the network',
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        kind: 'transient',
        sentence: "Tencent's API host name could not be resolved; check TENCENT_REGION, TENCENT_API_BASE_URL and DNS",
      };
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return { kind: 'transient', sentence: 'Tencent could not be reached; check the network' };
    default:
      return undefined;
  }
}

function findCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      // undici wraps socket errors; prefer the errno below it when there is one.
      if (code !== 'UND_ERR_SOCKET') return code;
      const inner = findCode((current as { cause?: unknown }).cause);
      return inner ?? code;
    }
    // Happy-eyeballs connects fail with an AggregateError holding one error per address.
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) return findCode(errors[0]);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
