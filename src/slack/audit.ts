/**
 * One structured log line per query: who, from where, what filter, how many upstream requests, how long,
 * and how it ended. The query text is the person's own input: it is cut and passed through the redaction of
 * credentials like every other log field. No secret is ever part of it.
 */
import type { PinnedQuery } from '../calls/query.js';
import type { RequestMeter } from '../calls/record-source.js';
import type { Logger } from '../shared/logger.js';
import { redactText } from '../shared/logger.js';

const MAX_TEXT = 500;

export interface AuditFields {
  /** `command`, `button:calls_page_next`, `home`… */
  surface: string;
  user?: string;
  team?: string;
  channel?: string;
  /** What the person typed (commands). */
  text?: string;
  pinned?: PinnedQuery;
  callId?: string;
  page?: number;
}

export interface AuditOutcome {
  /** `ok`, `help`, `invalid`, `not-found`, `tencent-auth`, `tencent-busy`, `search-out-of-range`, `store-unavailable`, `error`… */
  outcome: string;
  total?: number;
  pageCount?: number;
  ref?: string;
}

export interface QueryAudit {
  /** Pass to `searchCalls(…, { meter })` / `getCall(…, { meter })`. */
  meter: RequestMeter;
  /** Adds fields learned along the way (the pinned query, the page). */
  set(fields: Partial<AuditFields>): void;
  /** Writes the line (once; later calls are ignored). */
  finish(outcome: AuditOutcome): void;
}

export function beginAudit(logger: Logger, fields: AuditFields): QueryAudit {
  const started = performance.now();
  const meter: RequestMeter = { requests: 0 };
  const current: AuditFields = { ...fields };
  let done = false;
  return {
    meter,
    set(more) {
      Object.assign(current, more);
    },
    finish(outcome) {
      if (done) return;
      done = true;
      const { text, pinned, ...rest } = current;
      logger.info(
        {
          audit: 'query',
          ...rest,
          ...(text === undefined
            ? {}
            : { text: redactText(text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text) }),
          ...(pinned === undefined ? {} : { pinned }),
          upstreamRequests: meter.requests,
          durationMs: Math.round(performance.now() - started),
          ...outcome,
        },
        'query',
      );
    },
  };
}
