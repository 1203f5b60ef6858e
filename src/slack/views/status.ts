/**
 * `/calls status` (admins only): the app's state in one private message. Every value that came from outside (host
 * names, versions, commands, reasons) is escaped; times are Slack dates in each reader's own zone.
 */
import type { KnownBlock } from '@slack/types';
import type { OperationsStatus } from '../../calls/operations-status.js';
import { context, DEMO_NOTICE, escapeText, plural, section, slackDate, withDemo } from './format.js';
import type { RenderedMessage } from './result-page.js';

function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

const list = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([key, count]) => `${escapeText(key.slice(0, 80))} ${count.toLocaleString('en-US')}`)
    .join(', ');

export function renderStatus(status: OperationsStatus, ctx: { demo: boolean; timeZone: string }): RenderedMessage {
  const { coverage, now } = status;
  const when = (at: number) => slackDate(at, ctx.timeZone);
  const store =
    coverage === null
      ? '*Store*: :warning: the call-record store is unavailable.'
      : `*Store*: ${coverage.engine === 'postgres' ? 'PostgreSQL' : 'SQLite'}; complete from ${
          coverage.coveredFrom === null ? 'nothing yet (the first sync has not finished)' : when(coverage.coveredFrom)
        }${coverage.backfillDone ? '' : ' (backfill still running)'}; keeps ${plural(coverage.retentionDays, 'day')}.`;
  const sync =
    coverage === null
      ? '*Last sync*: unknown (the store is unavailable).'
      : `*Last sync*: ${coverage.lastSyncAt === null ? 'none finished yet' : `${when(coverage.lastSyncAt)} (${duration(now - coverage.lastSyncAt)} ago)`}` +
        (coverage.syncProblem === null
          ? '; no problem.'
          : `; :warning: problem since ${when(coverage.syncProblem.at)}: ${escapeText(coverage.syncProblem.message.slice(0, 300))}`) +
        (coverage.invalidRecords > 0 ? ` ${plural(coverage.invalidRecords, 'invalid record')} skipped.` : '');
  const { byCommand, refused } = status.callbacks;
  const received = Object.values(byCommand).reduce((a, b) => a + b, 0);
  const callbacks =
    received === 0
      ? '*Callbacks, last hour*: none received.'
      : `*Callbacks, last hour*: ${plural(received, 'callback')} (${list(byCommand)}); refused: ${
          Object.keys(refused).length === 0 ? 'none' : list(refused)
        }.`;
  const tencent =
    status.tencent.length === 0
      ? '*Tencent, last hour*: no requests.'
      : `*Tencent, last hour*: ${status.tencent
          .map(
            (r) =>
              `${escapeText(r.api)} ${plural(r.requests, 'request')}, ${r.errors.toLocaleString('en-US')} errors (${
                r.requests === 0 ? 0 : Math.round((r.errors / r.requests) * 1000) / 10
              }%)`,
          )
          .join('; ')}.`;
  const incidents =
    status.openIncidents === null
      ? '*Open incidents*: unknown (the store is unavailable).'
      : `*Open incidents*: ${status.openIncidents === 0 ? 'none' : status.openIncidents.toLocaleString('en-US')}.`;
  const processes = status.processes
    .map(
      (p) =>
        `• ${escapeText(p.host.slice(0, 100))} pid ${p.pid}, version ${escapeText(p.version.slice(0, 40))}, up ${duration(
          now - p.startedAt,
        )}${p.holdsSyncLease ? ', *holds the sync lease*' : ''}${p.self ? ' (answered this)' : ''}`,
    )
    .join('\n');
  const blocks: KnownBlock[] = [
    section(':gear: *callkit status*', 'status_title'),
    section(`${store}\n${sync}`, 'status_store'),
    section(`${callbacks}\n${tencent}\n${incidents}`, 'status_activity'),
    section(`*Processes* (${status.processes.length} live)\n${processes}`, 'status_processes'),
    context(['Counts of the last hour add up every live process; each process also serves `/metrics`.'], 'status_note'),
  ];
  if (ctx.demo) blocks.push(context([DEMO_NOTICE], 'status_demo'));
  return { text: withDemo('callkit status', ctx.demo), blocks };
}
