/**
 * The incident monitor's Slack side: posting an incident's message once (claimed in the store), its chart in the
 * thread, in-place updates (claimed too, at most one a minute across processes) and escalations. A Slack failure
 * gives the claim back, so the next check, in any process, tries again. Rendering and posting come in as ports.
 */
import type { CauseCount } from '../calls/cause-breakdown.js';
import type { ChannelPoster } from '../calls/channel-poster.js';
import type { DropRule, DropWindow, RuleEffect } from '../calls/incident-rule.js';
import type { EndedCallsReader, IncidentRecord, IncidentStore } from '../calls/incident-store.js';
import { type NameDirectory, NO_NAMES, type UserNames } from '../calls/user-names.js';
import type { LogSink } from '../shared/log-sink.js';
import type { IncidentRenderer, IncidentRenderInput } from './incident-monitor.js';

/** A post claimed by a process that died before saying it posted is claimed again after this long. */
export const POST_CLAIM_TTL_SECONDS = 300;

export interface IncidentMessagesOptions {
  channel: string;
  rule: DropRule;
  store: IncidentStore & EndedCallsReader;
  poster: ChannelPoster;
  render: IncidentRenderer;
  logger?: LogSink | undefined;
  names?: Pick<NameDirectory, 'namesOf'> | undefined;
  /** The dropped calls of a window by cause and side (from their events); absent: no breakdown. */
  causesOf?: ((window: { from: number; to: number }) => Promise<CauseCount[]>) | undefined;
  /** Who claims posts in the store. */
  holder: string;
}

export interface IncidentMessages {
  /** Posts the incident's message if nobody has, then (with a window) its chart in the thread. */
  ensurePosted(incident: IncidentRecord, now: number, window: (() => Promise<DropWindow>) | null): Promise<void>;
  /** Updates the message in place when a claim allows it (`minInterval` 0: now). */
  updateMessage(incident: IncidentRecord, now: number, minInterval: number): Promise<boolean>;
  postEscalation(incident: IncidentRecord, now: number, effect: RuleEffect & { kind: 'escalate' }): Promise<void>;
  /** Messages still owed: never posted (Slack was down) or not yet showing the resolution. */
  settlePending(now: number, window: (() => Promise<DropWindow>) | null): Promise<void>;
}

export function createIncidentMessages(options: IncidentMessagesOptions): IncidentMessages {
  const { channel, rule, store, poster, render, logger, holder } = options;

  const causesOf = async (incident: IncidentRecord): Promise<CauseCount[] | undefined> => {
    const latest = incident.facts.latest;
    if (options.causesOf === undefined || incident.facts.resolvedAt !== null) return undefined;
    try {
      return await options.causesOf({ from: latest.firstDroppedStart ?? latest.from, to: latest.to });
    } catch (error) {
      logger?.warn({ err: error, channel }, 'incident: the breakdown by cause failed; posted without it');
      return undefined;
    }
  };
  const input = async (incident: IncidentRecord, now: number): Promise<IncidentRenderInput> => {
    const [mute, causes, names] = await Promise.all([
      store.readMute(channel),
      causesOf(incident),
      namesOf(incident.facts.latest.topUsers.map((user) => user.user)),
    ]);
    return { incident, mute, rule, now, names, ...(causes === undefined ? {} : { causes }) };
  };

  /** A message never waits for or fails on a name: without the cache, the IDs alone. */
  async function namesOf(users: readonly string[]): Promise<UserNames> {
    if (options.names === undefined || users.length === 0) return NO_NAMES;
    try {
      return await options.names.namesOf(users);
    } catch (error) {
      logger?.warn({ err: error, channel }, 'incident: names could not be read; the message shows user IDs');
      return NO_NAMES;
    }
  }
  /** Posts the incident's message if nobody has (claimed in the store), then its chart in the thread. */
  async function ensurePosted(
    incident: IncidentRecord,
    now: number,
    window: (() => Promise<DropWindow>) | null,
  ): Promise<void> {
    if (incident.messageTs !== null) return;
    if (!(await store.claimPost(incident.id, holder, now, POST_CLAIM_TTL_SECONDS))) return;
    const view = await input(incident, now);
    const message = render.message(view);
    let ts: string;
    try {
      ts = await poster.post(channel, message);
    } catch (error) {
      await store.releasePost(incident.id, holder);
      logger?.warn(
        { err: error, channel, incident: incident.id },
        'incident: the message could not be posted; it is tried again at the next check',
      );
      return;
    }
    await store.recordPost(incident.id, ts, now);
    logger?.info(
      { channel, incident: incident.id, ts, ended: incident.facts.latest.ended, resolved: incident.facts.resolvedAt },
      'incident: message posted',
    );
    // The chart of the window that opened it; a resolved incident posted late gets none (the window is over).
    if (window !== null && incident.facts.resolvedAt === null) await uploadChart(incident, view, ts, window);
  }

  async function uploadChart(
    incident: IncidentRecord,
    view: IncidentRenderInput,
    ts: string,
    window: () => Promise<DropWindow>,
  ) {
    try {
      const png = await render.chart(await window());
      const title = render.chartTitle(view);
      await poster.uploadImage(channel, ts, { png, filename: `dropped-calls-${incident.id}.png`, title });
    } catch (error) {
      // The text carries every number: a missing chart is only logged.
      logger?.warn(
        { err: error, channel, incident: incident.id },
        'incident: the chart could not be drawn or uploaded (the message was posted)',
      );
    }
  }

  /** Updates the message in place when a claim allows it (`minInterval` 0: now, for clicks and resolutions). */
  async function updateMessage(incident: IncidentRecord, now: number, minInterval: number): Promise<boolean> {
    if (incident.messageTs === null) return false;
    const claim = await store.claimUpdate(incident.id, now, minInterval);
    if (claim === null) return false;
    try {
      const message = render.message(await input(incident, now));
      await poster.update(channel, incident.messageTs, message);
      return true;
    } catch (error) {
      await store.releaseUpdate(incident.id, now, claim.previous);
      logger?.warn(
        { err: error, channel, incident: incident.id },
        'incident: the message could not be updated; it is tried again at the next check',
      );
      return false;
    }
  }

  async function postEscalation(incident: IncidentRecord, now: number, effect: RuleEffect & { kind: 'escalate' }) {
    if (incident.messageTs === null) return; // no thread yet: the message, once posted, shows the peak
    try {
      const message = render.escalation(await input(incident, now), effect);
      await poster.post(channel, message, incident.messageTs);
    } catch (error) {
      logger?.warn(
        { err: error, channel, incident: incident.id },
        'incident: the escalation could not be posted in the thread',
      );
    }
  }

  /** Messages still owed: never posted (Slack was down) or not yet showing the resolution. */
  async function settlePending(now: number, window: (() => Promise<DropWindow>) | null): Promise<void> {
    for (const incident of await store.listPending(channel)) {
      if (incident.messageTs === null) await ensurePosted(incident, now, window);
      else await updateMessage(incident, now, 0);
    }
  }

  return { ensurePosted, updateMessage, postEscalation, settlePending };
}
