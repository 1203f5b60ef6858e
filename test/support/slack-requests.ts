/**
 * Requests built exactly as Slack sends them to `/slack/events`, and signed the way Bolt verifies them:
 * - slash commands: form fields, `Content-Type: application/x-www-form-urlencoded` (exactly: Bolt compares the
 *   whole header, so `; charset=UTF-8` would make it JSON-parse the body and answer 400);
 * - interactivity (block_actions…): the same content type with one field, `payload=<JSON>`;
 * - Events API: a JSON envelope, `Content-Type: application/json`;
 * - `X-Slack-Request-Timestamp: <unix seconds>` and `X-Slack-Signature: v0=<hex HMAC-SHA256(secret, "v0:"+ts+":"+body)>`.
 */
import { createHmac } from 'node:crypto';
import { FAKE_TEAM_ID } from './fake-slack.js';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
export const JSON_CONTENT_TYPE = 'application/json';
export const TEST_API_APP_ID = 'A0TESTAPP1';

/** A body ready to sign and send. */
export interface SlackRequest {
  body: string;
  contentType: string;
}

export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlashCommandFields {
  text: string;
  response_url: string;
  command?: string;
  user_id?: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
  team_id?: string;
  team_domain?: string;
  trigger_id?: string;
  api_app_id?: string;
  enterprise_id?: string;
}

export function slashCommand(fields: SlashCommandFields): SlackRequest {
  const all: Record<string, string> = {
    token: 'deprecated-verification-token',
    team_id: FAKE_TEAM_ID,
    team_domain: 'fake-workspace',
    channel_id: 'C0SUPPORT1',
    channel_name: 'support',
    user_id: 'U0PERSON01',
    user_name: 'person',
    command: '/calls',
    api_app_id: TEST_API_APP_ID,
    is_enterprise_install: 'false',
    trigger_id: `${Date.now()}.trigger`,
    ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
  };
  return { body: new URLSearchParams(all).toString(), contentType: FORM_CONTENT_TYPE };
}

export interface BlockActionOptions {
  actionId: string;
  value?: string;
  blockId?: string;
  response_url?: string;
  userId?: string;
  teamId?: string;
  /** Omit for a Home tab action (no channel, no response_url). */
  channelId?: string;
  /** The message that holds the button (ephemeral by default). */
  message?: Record<string, unknown>;
  /** A Home tab (or modal) view, for actions from a view. */
  view?: Record<string, unknown>;
  /** Any other payload fields (state, container…). */
  extra?: Record<string, unknown>;
}

/** The JSON payload of a button click, as Slack sends it for an ephemeral message or a Home tab. */
export function blockActionPayload(options: BlockActionOptions): Record<string, unknown> {
  const teamId = options.teamId ?? FAKE_TEAM_ID;
  const userId = options.userId ?? 'U0PERSON01';
  const action = {
    type: 'button',
    action_id: options.actionId,
    block_id: options.blockId ?? 'calls_block',
    text: { type: 'plain_text', text: 'button', emoji: true },
    ...(options.value === undefined ? {} : { value: options.value }),
    action_ts: `${Date.now() / 1000}`,
  };
  const fromView = options.view !== undefined;
  return {
    type: 'block_actions',
    user: { id: userId, username: 'person', name: 'person', team_id: teamId },
    api_app_id: TEST_API_APP_ID,
    token: 'deprecated-verification-token',
    container: fromView
      ? { type: 'view', view_id: options.view?.id ?? 'V0HOME0001' }
      : { type: 'message', message_ts: '1700000000.000001', channel_id: options.channelId, is_ephemeral: true },
    trigger_id: `${Date.now()}.trigger`,
    team: { id: teamId, domain: 'fake-workspace' },
    enterprise: null,
    is_enterprise_install: false,
    ...(options.channelId === undefined ? {} : { channel: { id: options.channelId, name: 'support' } }),
    ...(fromView ? { view: { id: 'V0HOME0001', type: 'home', hash: '1.abc', ...options.view } } : {}),
    ...(options.message === undefined && !fromView
      ? { message: { type: 'message', ts: '1700000000.000001', is_ephemeral: true } }
      : options.message === undefined
        ? {}
        : { message: options.message }),
    state: { values: {} },
    ...(options.response_url === undefined ? {} : { response_url: options.response_url }),
    actions: [action],
    ...options.extra,
  };
}

/** Any interactivity payload (`payload=<JSON>`, form-encoded). */
export function interaction(payload: Record<string, unknown>): SlackRequest {
  return {
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    contentType: FORM_CONTENT_TYPE,
  };
}

export function blockAction(options: BlockActionOptions): SlackRequest {
  return interaction(blockActionPayload(options));
}

/** An Events API envelope around `event`. */
export function eventCallback(event: Record<string, unknown>, options: { teamId?: string } = {}): SlackRequest {
  const teamId = options.teamId ?? FAKE_TEAM_ID;
  const envelope = {
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: TEST_API_APP_ID,
    event: { event_ts: `${Date.now() / 1000}`, ...event },
    type: 'event_callback',
    event_id: `Ev${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: teamId, user_id: 'U0BOT00001', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
  return { body: JSON.stringify(envelope), contentType: JSON_CONTENT_TYPE };
}

/** `app_home_opened` for the Home tab. */
export function appHomeOpened(userId: string, options: { teamId?: string; tab?: 'home' | 'messages' } = {}) {
  return eventCallback(
    { type: 'app_home_opened', user: userId, channel: 'D0HOMECHAN', tab: options.tab ?? 'home' },
    { teamId: options.teamId },
  );
}

/** A bound on one request's answer; only an app that never answers reaches it. */
const SEND_TIMEOUT_MS = 60_000;

export interface SendOptions {
  /** Unix seconds; default now. */
  timestamp?: number | undefined;
  /** Sent instead of the correct signature. */
  signature?: string;
}

export interface SentRequest {
  status: number;
  text: string;
  /** Milliseconds until the whole HTTP answer had arrived (the ack, for commands and actions). */
  elapsedMs: number;
}

/** Signs `request` with `signingSecret` and POSTs it to `eventsUrl`. */
export async function sendSigned(
  eventsUrl: string,
  signingSecret: string,
  request: SlackRequest,
  options: SendOptions = {},
): Promise<SentRequest> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const started = performance.now();
  const response = await fetch(eventsUrl, {
    method: 'POST',
    headers: {
      'content-type': request.contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(signingSecret, timestamp, request.body),
    },
    body: request.body,
    // An app that never answers fails the test (with this message) instead of hanging it until the test timeout.
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, text, elapsedMs: performance.now() - started };
}
