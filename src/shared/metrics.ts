/**
 * Every Prometheus metric of the app, in one place: the registry `/metrics` serves and the few recording methods
 * the adapters and the wiring call. The domain (src/calls/) never sees this file; whoever wraps domain code records
 * for it. Names follow Prometheus conventions: prefix `callkit_`, base units (seconds), `_total` for counters, and
 * no label whose values are unbounded (never a user, channel or call ID: labels come from short fixed lists, and
 * anything from outside that is not on one becomes `other`).
 *
 * A process's figures are its own: several processes are scraped one by one and summed by Prometheus.
 * The same recordings also feed the last hour's counts `/calls status` shows (RecentCounts).
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { FastCounter, FastHistogram } from './metric-series.js';
import { RecentCounts } from './recent-counts.js';

/** Seconds: from a fast local answer to Slack's 3-second limit and Tencent's slow pages. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/** What a Slack request was, from its body. */
export type SlackRequestKind = 'command' | 'action' | 'event' | 'shortcut' | 'view' | 'options' | 'other';

/** The figures read from the store at scrape time. Each may fail (the store is down): the gauge keeps its value. */
export interface StoreGauges {
  incidentsOpen(): Promise<number>;
  watchesActive(): Promise<number>;
  storeCalls(): Promise<number>;
}

/** Keeps a label value from outside to a bounded set: a short word, or `other`. */
export function boundedLabel(value: string | undefined, pattern = /^[A-Za-z0-9_.-]{1,64}$/): string {
  return value !== undefined && pattern.test(value) ? value : 'other';
}

export class Metrics {
  readonly registry = new Registry();
  /** The last hour, for `/calls status`: keys `<command> <outcome>` and `<api> <outcome>`. */
  readonly recent = { callbacks: new RecentCounts(), tencent: new RecentCounts() };
  readonly #now: () => number;

  readonly #tencentRequests = new FastCounter({
    name: 'callkit_tencent_requests_total',
    help: 'HTTP requests sent to the Tencent REST API (retries included), by API and outcome.',
    labelNames: ['api', 'outcome'],
    registry: this.registry,
  });
  readonly #tencentDuration = new FastHistogram({
    name: 'callkit_tencent_request_duration_seconds',
    help: 'Time from sending one Tencent request to its answer (or failure).',
    labelNames: ['api'],
    buckets: LATENCY_BUCKETS,
    registry: this.registry,
  });
  readonly #callbacks = new FastCounter({
    name: 'callkit_callbacks_total',
    help: 'Tencent callbacks received, by command (end-of-call or other) and outcome (stored, duplicate, ignored, or why refused).',
    labelNames: ['command', 'outcome'],
    registry: this.registry,
  });
  readonly #syncLastSuccess = new Gauge({
    name: 'callkit_sync_last_success_timestamp_seconds',
    help: 'When this process last finished a sync pass successfully (Unix seconds; 0: not yet).',
    registers: [this.registry],
  });
  readonly #syncPasses = new FastCounter({
    name: 'callkit_sync_passes_total',
    help: 'Sync ticks of this process, by outcome (synced, failed, standby: another process holds the lease).',
    labelNames: ['outcome'],
    registry: this.registry,
  });
  readonly #slackRequests = new FastCounter({
    name: 'callkit_slack_requests_total',
    help: 'Requests from Slack handled, by kind (command, action, event, shortcut, view, options) and outcome.',
    labelNames: ['kind', 'outcome'],
    registry: this.registry,
  });
  readonly #slackAck = new FastHistogram({
    name: 'callkit_slack_ack_duration_seconds',
    help: 'Time from a Slack request reaching the app to its acknowledgement (Slack gives up after 3 s).',
    labelNames: ['kind'],
    buckets: LATENCY_BUCKETS,
    registry: this.registry,
  });
  readonly #slackApiErrors = new FastCounter({
    name: 'callkit_slack_api_errors_total',
    help: "Slack Web API calls that failed, by method and Slack's error code (or http_<status>, network).",
    labelNames: ['method', 'error'],
    registry: this.registry,
  });
  readonly #storeQuery = new FastHistogram({
    name: 'callkit_store_query_duration_seconds',
    help: 'Time of one store query, by operation (select, insert, update, delete, raw).',
    labelNames: ['operation'],
    buckets: STORE_BUCKETS,
    registry: this.registry,
  });

  constructor(options: { now?: () => number; processMetrics?: boolean } = {}) {
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.#syncLastSuccess.set(0);
  }

  /** Registers the gauges read from the store at each scrape. */
  watchStore(gauges: StoreGauges): void {
    const gauge = (name: string, help: string, read: () => Promise<number>) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          try {
            this.set(await read());
          } catch {
            // The store is down: the last value stays, and /readyz says why.
          }
        },
      });
    gauge('callkit_incidents_open', 'Dropped-call incidents open now (every process sees the same).', () =>
      gauges.incidentsOpen(),
    );
    gauge('callkit_watches_active', 'Watches (`/calls watch`) not yet expired or stopped.', () =>
      gauges.watchesActive(),
    );
    gauge('callkit_store_calls', 'Calls in the store (an estimate on PostgreSQL).', () => gauges.storeCalls());
  }

  tencentRequest(api: string, outcome: string, seconds: number): void {
    this.#tencentRequests.inc(api, outcome);
    this.#tencentDuration.observe(seconds, api);
    this.recent.tencent.add(`${api} ${outcome}`, this.#now());
  }

  callback(command: string, outcome: string): void {
    this.#callbacks.inc(command, outcome);
    this.recent.callbacks.add(`${command} ${outcome}`, this.#now());
  }

  /** `finishedAt`: Unix seconds, when outcome is `synced`. */
  syncPass(outcome: string, finishedAt: number): void {
    this.#syncPasses.inc(outcome);
    if (outcome === 'synced') this.#syncLastSuccess.set(finishedAt);
  }

  slackRequest(kind: SlackRequestKind, outcome: 'ok' | 'error'): void {
    this.#slackRequests.inc(kind, outcome);
  }

  slackAck(kind: SlackRequestKind, seconds: number): void {
    this.#slackAck.observe(seconds, kind);
  }

  slackApiError(method: string, error: string): void {
    this.#slackApiErrors.inc(boundedLabel(method), boundedLabel(error, /^[a-z0-9_]{1,64}$/));
  }

  storeQuery(operation: string, seconds: number): void {
    this.#storeQuery.observe(seconds, operation);
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
