/**
 * What the listeners need, handed to every `register(app, services)`. Listeners stay thin: they check the input,
 * call `search` (the store; it knows nothing of Slack), render with a pure view and send.
 */

import type { CallsExport } from '../calls/export-calls.js';
import type { CallGlance } from '../calls/glance.js';
import type { IncidentControls } from '../calls/incident-store.js';
import type { OperationsStatus } from '../calls/operations-status.js';
import type { PinnedQuery } from '../calls/query.js';
import type { CallSearch } from '../calls/search-calls.js';
import type { NameDirectory } from '../calls/user-names.js';
import type { WatchStore } from '../calls/watch-rules.js';
import type { Logger } from '../shared/logger.js';
import type { AccessPolicy } from './access.js';
import type { UserTimeZones } from './user-time-zone.js';

/** Who the bot is, from `auth.test` at start. */
export interface SlackIdentity {
  teamId: string;
  botUserId: string;
  botId: string;
  /** The bot's handle (auth.test `user`), for `/invite @<name>`. */
  botName: string;
}

export interface SlackServices {
  /** `knownUsers` (which IDs have calls): the "Find calls" shortcut and the "Look up calls" step; absent: none known. */
  search: Pick<CallSearch, 'searchCalls' | 'getCall'> & Partial<Pick<CallSearch, 'knownUsers'>>;
  /** Every message then says it shows demo data. */
  demo: boolean;
  timeZones: UserTimeZones;
  identity: SlackIdentity;
  access: AccessPolicy;
  defaultTimeZone: string;
  logger: Logger;
  /** Unix seconds. */
  now: () => number;
  /** Days of calls the store keeps (`RETENTION_DAYS`): how far back a range may reach. */
  retentionDays: number;
  /** The Home tab's "last 24 hours" header and store footer (counts in the store); absent: neither. */
  glance?: Pick<CallGlance, 'get'>;
  /** Display names (the store's cache) and `name:` searches; absent: user IDs alone, and `name:` is refused. */
  names?: NameDirectory;
  /** "Export CSV" of a pinned search (from the store), in the person's zone; absent: no Export CSV button. */
  exportCalls?: ExportCalls;
  /** Acknowledge and Mute on incident messages (the incident monitor); absent when ALERT_CHANNEL is unset. */
  incidents?: IncidentControls;
  /** `/calls watch` (needs the store); absent: the watch commands say watches are not available. */
  watches?: WatchServices;
  /** `/calls status` for the people in ADMIN_SLACK_USERS; absent: it answers that status is not available. */
  operations?: OperationsServices;
  /** PUBLIC_URL's origin: calls carry links there, and those links unfurl; absent: no call links, no unfurls. */
  publicUrl?: string;
}

export interface OperationsServices {
  /** ADMIN_SLACK_USERS (empty: nobody). */
  admins: readonly string[];
  /** Gathers the status now (store, sync, last hour, processes). */
  status(): Promise<OperationsStatus>;
}

export interface WatchServices {
  store: WatchStore;
  /** WATCH_DAYS. */
  days: number;
  /** Set when new calls come only from the sync (no TENCENT_CALLBACK_TOKEN): the reply says how late. */
  viaSync?: { intervalSeconds: number };
}

export type ExportCalls = (query: PinnedQuery, timeZone: string) => Promise<CallsExport>;
