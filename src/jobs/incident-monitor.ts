/**
 * The dropped-call incident monitor: checks the rule whenever new calls arrive (the new-calls feed) and
 * at least every minute, keeps incidents in the store, and posts one message per incident in ALERT_CHANNEL,
 * updated in place. The rule itself is pure (`calls/incident-rule.ts`); the messages are rendered by the caller
 * (`wiring/incidents.ts` passes the views of `slack/views/incident.ts` and a `ChannelPoster`), so this job never imports `slack/`.
 *
 * Many processes, one store: every check reads the incident, decides, and saves by version; only the process whose
 * save won performs the decision's Slack calls, so an escalation is posted once. The first post is claimed by a
 * conditional update (one poster), and so is each refresh (at most one a minute, across processes). A Slack failure
 * gives the claim back: the next check, in any process, tries again, so an incident opened while Slack was down is
 * posted once when it answers again.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { CauseCount } from '../calls/cause-breakdown.js';
import type { ChannelMessage, ChannelPoster } from '../calls/channel-poster.js';
import {
  checkRule,
  type DropRule,
  type DropWindow,
  type IncidentFacts,
  isBreaching,
  isRefreshDue,
  REFRESH_INTERVAL_SECONDS,
  type RuleStep,
  type WindowCounts,
} from '../calls/incident-rule.js';
import type {
  EndedCallsReader,
  IncidentControls,
  IncidentRecord,
  IncidentStore,
  RuleMute,
} from '../calls/incident-store.js';
import type { NewCallsFeed } from '../calls/new-calls.js';
import { type CallRecord, isDropped } from '../calls/records.js';
import type { NameDirectory, UserNames } from '../calls/user-names.js';
import type { LogSink } from '../shared/log-sink.js';
import { SerialRunner } from '../shared/serial-runner.js';
import { createIncidentMessages } from './incident-messages.js';

/** What a rendered message needs; the caller adds the zone of the fallbacks and demo mode. */
export interface IncidentRenderInput {
  incident: IncidentRecord;
  mute: RuleMute | null;
  rule: DropRule;
  /** Unix seconds. */
  now: number;
  /** The window's dropped calls by cause and side (from their events); absent when unknown. */
  causes?: CauseCount[];
  /** Cached display names of the most affected users (absent ones show as IDs). */
  names: UserNames;
}

export type RenderedIncidentMessage = ChannelMessage;

/** The views (`renderIncidentMessage`, `renderEscalation`, `incidentChartTitle`, `renderIncidentChart`), passed in. */
export interface IncidentRenderer {
  message(input: IncidentRenderInput): RenderedIncidentMessage;
  escalation(input: IncidentRenderInput, escalation: { level: number; previousLevel: number }): RenderedIncidentMessage;
  chartTitle(input: IncidentRenderInput): string;
  /** The window's chart as a PNG (ECharts and resvg load on first use). */
  chart(window: DropWindow): Promise<Uint8Array>;
}

export interface IncidentMonitorOptions {
  /** ALERT_CHANNEL. */
  channel: string;
  rule: DropRule;
  store: IncidentStore & EndedCallsReader;
  /** Posts, updates and uploads in Slack (the wiring builds it over a WebClient). */
  poster: ChannelPoster;
  render: IncidentRenderer;
  /** The dropped calls of a window by cause and side; absent: messages carry no breakdown. */
  causesOf?: (window: { from: number; to: number }) => Promise<CauseCount[]>;
  /** New calls trigger a check; without it, only the minute timer does. */
  feed?: Pick<NewCallsFeed, 'subscribe'>;
  /** Unix seconds; default the real clock. Tests drive it. */
  now?: () => number;
  logger?: LogSink;
  /** The store's name cache, for the most affected users (never Tencent); absent: IDs alone. */
  names?: Pick<NameDirectory, 'namesOf'>;
  /** Who claims posts in the store; default host, pid and a random part. */
  holder?: string;
  /** The timer between checks; default 60 s (the rule is checked at least every minute). */
  intervalMs?: number;
}

export interface IncidentMonitor extends IncidentControls {
  /** Subscribes to the feed and starts the minute timer. */
  start(): void;
  /** One check now (coalesced with one already running: it then runs once more after it). Never rejects. */
  check(): Promise<void>;
  /** Resolves when no check is running or queued. */
  settled(): Promise<void>;
  /** Unsubscribes, stops the timer and waits for the check in progress. */
  stop(): Promise<void>;
}

const TOP_USERS = 5;
/** New calls check the rule at most this often (a drop wave of 100 calls a second checks once a second). */
export const CHECK_SPACING_MS = 1_000;

/** Chart buckets: whole minutes, at most about 30 bars (1 min for a 15-minute window, 2 min for an hour). */
export function chartBucketSeconds(windowSeconds: number): number {
  return 60 * Math.max(1, Math.ceil(windowSeconds / 1800));
}

/**
 * The window a check measures at `now`: the `windowSeconds` ending with the current second included, so a call
 * that ended this very second (a callback just in) counts at once.
 */
export function windowAt(now: number, windowSeconds: number): { from: number; to: number } {
  return { from: now + 1 - windowSeconds, to: now + 1 };
}

export function createIncidentMonitor(options: IncidentMonitorOptions): IncidentMonitor {
  const { channel, rule, store, poster, render, logger } = options;
  const clock = options.now ?? (() => Math.floor(Date.now() / 1000));

  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  /** The once-a-second limit: when the last check started (clock seconds), and the check put off until later. */
  let lastCheckAt: number | null = null;
  let deferred: NodeJS.Timeout | undefined;
  /** The last check's counts, and the calls published since (to see a batch that crosses the threshold). */
  let last: WindowCounts | null = null;
  let arrived = { ended: 0, dropped: 0 };

  /** The chart's window: every call of the window read once, only when an incident's message is first posted. */
  const chartWindow = (now: number) => () => {
    const { from, to } = windowAt(now, rule.windowSeconds);
    return store.measureEndedCalls(from, to, {
      topUsers: TOP_USERS,
      bucketSeconds: chartBucketSeconds(rule.windowSeconds),
    });
  };

  const messages = createIncidentMessages({
    channel,
    rule,
    store,
    poster,
    render,
    logger,
    names: options.names,
    causesOf: options.causesOf,
    holder: options.holder ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
  });
  const { ensurePosted, updateMessage, postEscalation, settlePending } = messages;

  /** One check: read the window and the incident, apply the rule, act on what it decided, settle owed messages. */
  async function run(): Promise<void> {
    const now = clock();
    lastCheckAt = now;
    arrived = { ended: 0, dropped: 0 };
    if (deferred !== undefined) clearTimeout(deferred);
    deferred = undefined;
    try {
      const { counts, mute, open } = await readState(now);
      last = counts;
      const window = chartWindow(now);
      const step = checkRule({ mutedUntil: mute?.until ?? null, open: open?.facts ?? null }, counts, now, rule);
      const decided = open === null ? await openIfBreached(step, now, window) : await advance(open, step, now);
      // A check another process decided stops there: that process settles the messages.
      if (decided) await settlePending(now, window);
    } catch (error) {
      logger?.error({ err: error, channel }, 'incident check failed; the next one tries again');
    }
  }

  /**
   * Independent reads, sent together (one round trip's wait on PostgreSQL instead of three). The counts come from
   * per-minute counters: a check costs the same however many calls the window holds.
   */
  async function readState(now: number) {
    const { from, to } = windowAt(now, rule.windowSeconds);
    const [counts, mute, open] = await Promise.all([
      store.countEndedCalls(from, to, { topUsers: TOP_USERS }),
      store.readMute(channel),
      store.findOpenIncident(channel),
    ]);
    return { counts, mute, open };
  }

  /** No incident open: opens one when the rule says so. False when another process opened it first. */
  async function openIfBreached(step: RuleStep, now: number, window: () => Promise<DropWindow>): Promise<boolean> {
    const opening = step.effects.find((effect) => effect.kind === 'open');
    if (opening === undefined) return true;
    const inserted = await store.insertIncident(channel, opening.incident);
    if (inserted === null) return false; // another process opened it first, and posts it
    logger?.info({ channel, incident: inserted.id, rate: opening.incident.openingRate }, 'incident: opened');
    await ensurePosted(inserted, now, window);
    return true;
  }

  /**
   * An incident is open: saves its new facts by version, then escalates, resolves or refreshes its message. False
   * when another process's save won this check (it performs the Slack calls).
   */
  async function advance(open: IncidentRecord, step: RuleStep, now: number): Promise<boolean> {
    const resolution = step.effects.find((effect) => effect.kind === 'resolve');
    const facts: IncidentFacts | null = resolution?.incident ?? step.state.open;
    if (facts === null) return false;
    if (!(await store.saveFacts(open.id, open.version, facts))) return false; // another process decided this check
    const incident: IncidentRecord = { ...open, facts, version: open.version + 1 };
    for (const effect of step.effects) {
      if (effect.kind === 'escalate') await postEscalation(incident, now, effect);
    }
    if (resolution !== undefined) {
      logger?.info({ channel, incident: open.id, seconds: resolution.durationSeconds }, 'incident: resolved');
      await updateMessage(incident, now, 0);
    } else if (incident.lastUpdateAt !== null && isRefreshDue(facts, incident.lastUpdateAt, now)) {
      await updateMessage(incident, now, REFRESH_INTERVAL_SECONDS);
    }
    return true;
  }

  const runner = new SerialRunner(run);
  /** One check now, or once more after the one running (asks meanwhile share it). */
  const check = (): Promise<void> => runner.run();

  async function settled(): Promise<void> {
    // A check put off by the once-a-second limit runs now: settled means every check asked for has run.
    if (deferred !== undefined) void check();
    await runner.settled();
  }

  /**
   * New calls ask for a check, at most once a second (by the clock) however fast they arrive: the first in a
   * second checks at once, later ones are covered by one check a second later (the calls are in the store before
   * they are published, so any check that starts after them counts them). A batch that, added to the last check's
   * counts, would take the rate across the threshold (either way) checks at once.
   */
  function onNewCalls(calls: readonly CallRecord[]): void {
    arrived.ended += calls.length;
    arrived.dropped += calls.filter((call) => isDropped(call.result)).length;
    const now = clock();
    if (lastCheckAt === null || now !== lastCheckAt || crossesThreshold()) {
      void check();
      return;
    }
    if (deferred !== undefined) return;
    deferred = setTimeout(() => {
      deferred = undefined;
      void check();
    }, CHECK_SPACING_MS);
    deferred.unref();
  }

  /** Whether the calls that arrived since the last check would change whether the window breaches. */
  function crossesThreshold(): boolean {
    if (last === null) return true;
    const before = last;
    const after = {
      ...before,
      ended: before.ended + arrived.ended,
      interrupted: before.interrupted + arrived.dropped,
    };
    return isBreaching(before, rule) !== isBreaching(after, rule);
  }

  async function afterClick(incident: IncidentRecord): Promise<void> {
    const now = clock();
    if (incident.messageTs === null) await ensurePosted(incident, now, null);
    else await updateMessage(incident, now, 0);
  }

  return {
    start() {
      if (timer !== undefined) return;
      // Not awaited: the writer that published (a callback being answered) never waits for a check.
      unsubscribe = options.feed?.subscribe(onNewCalls);
      timer = setInterval(() => void check(), options.intervalMs ?? 60_000);
      timer.unref();
      void check();
    },
    check,
    settled,
    async stop() {
      unsubscribe?.();
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      if (deferred !== undefined) clearTimeout(deferred);
      deferred = undefined;
      await settled();
    },
    async acknowledge(incidentId, userId) {
      const incident = await store.acknowledge(incidentId, userId, clock());
      if (incident === null) return false;
      logger?.info({ channel, incident: incidentId, user: userId }, 'incident: acknowledged');
      await afterClick(incident);
      return true;
    },
    async mute(incidentId, userId, seconds) {
      const incident = await store.getIncident(incidentId);
      if (incident === null) return false;
      const now = clock();
      await store.writeMute(incident.channel, { until: now + seconds, by: userId, at: now });
      logger?.info({ channel, incident: incidentId, user: userId, seconds }, 'incident: rule muted');
      await afterClick(incident);
      return true;
    },
  };
}
