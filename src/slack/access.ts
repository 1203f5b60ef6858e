/**
 * Who may use the app: one decision (`checkAccess`) and one global Bolt middleware (`accessMiddleware`) that
 * applies it to every command, button, view and event before any listener runs. A refusal reveals no data: the
 * listeners behind it never run.
 *
 * Rules:
 * - a request from another workspace than the one the bot token belongs to (learned from `auth.test`) is refused;
 * - ALLOWED_SLACK_USERS set: the user must be listed;
 * - ALLOWED_SLACK_CHANNELS set: the request must come from a listed channel. The Home tab has no channel, so under
 *   a channel list it is open only to users named in ALLOWED_SLACK_USERS (otherwise it would bypass the channel
 *   list).
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../shared/logger.js';
import { decodeModalState } from './state/modal-state.js';
import { renderRefusal } from './views/errors.js';
import { renderHomeRefusal } from './views/home.js';
import { CALLS_MODAL_CALLBACK_ID } from './views/ids.js';
import { renderModal } from './views/modal.js';

export interface AccessPolicy {
  /** The installing workspace. */
  teamId: string;
  /** Empty: every member. */
  users: readonly string[];
  /** Empty: every channel. */
  channels: readonly string[];
}

export type Surface = 'command' | 'button' | 'home' | 'event' | 'other';

export interface AccessRequest {
  surface: Surface;
  teamId?: string;
  /** Enterprise Grid: the user's own team when the payload's team is the org. */
  userTeamId?: string;
  userId?: string;
  channelId?: string;
}

export type AccessReason = 'other-workspace' | 'user-not-allowed' | 'channel-not-allowed' | 'home-needs-user-list';

export type AccessDecision = { allowed: true } | { allowed: false; reason: AccessReason; message: string };

const ADMIN_HINT = 'Ask a workspace admin (whoever runs callkit-slack)';

function channelList(channels: readonly string[]): string {
  const shown = channels.slice(0, 5).map((id) => `<#${id}>`);
  return channels.length > 5 ? `${shown.join(', ')} and ${channels.length - 5} more` : shown.join(', ');
}

export function checkAccess(policy: AccessPolicy, request: AccessRequest): AccessDecision {
  const sameTeam = request.teamId === policy.teamId || request.userTeamId === policy.teamId;
  if (!sameTeam) {
    return {
      allowed: false,
      reason: 'other-workspace',
      message: 'This app only answers in the workspace it was installed in.',
    };
  }
  if (policy.users.length > 0 && !(request.userId !== undefined && policy.users.includes(request.userId))) {
    return {
      allowed: false,
      reason: 'user-not-allowed',
      message: `You are not allowed to search call records. ${ADMIN_HINT} to add you to ALLOWED_SLACK_USERS.`,
    };
  }
  if (policy.channels.length > 0) {
    if (request.channelId === undefined) {
      if (policy.users.length === 0) {
        return {
          allowed: false,
          reason: 'home-needs-user-list',
          message:
            `Searches are limited to ${channelList(policy.channels)}: use \`/calls\` there. ` +
            `${ADMIN_HINT} to add you to ALLOWED_SLACK_USERS to search from here.`,
        };
      }
    } else if (!policy.channels.includes(request.channelId)) {
      return {
        allowed: false,
        reason: 'channel-not-allowed',
        message:
          `Call records cannot be searched in this channel; use ${channelList(policy.channels)}. ` +
          `${ADMIN_HINT} to add this channel to ALLOWED_SLACK_CHANNELS.`,
      };
    }
  }
  return { allowed: true };
}

type LooseBody = {
  type?: string;
  team_id?: string;
  channel_id?: string;
  user_id?: string;
  team?: { id?: string } | null;
  user?: { id?: string; team_id?: string };
  channel?: { id?: string };
  view?: { type?: string; callback_id?: string; private_metadata?: string };
  response_url?: string;
  trigger_id?: string;
  event?: {
    type?: string;
    user?: string | { id?: string };
    channel?: string;
    tab?: string;
    inputs?: { user_context?: { id?: unknown } };
  };
};

/** Reads who/where from any Bolt payload. */
export function accessRequestOf(args: AnyMiddlewareArgs): AccessRequest {
  const body = args.body as LooseBody;
  if ('command' in args) {
    return { surface: 'command', teamId: body.team_id, userId: body.user_id, channelId: body.channel_id };
  }
  if ('event' in args) {
    const event = body.event ?? {};
    // A workflow step runs as the person who ran the workflow: Slack hands their user_context in as an input.
    const runner = event.inputs?.user_context?.id;
    const userId =
      event.type === 'function_executed'
        ? typeof runner === 'string'
          ? runner
          : undefined
        : typeof event.user === 'string'
          ? event.user
          : event.user?.id;
    const home = event.type === 'app_home_opened';
    return {
      surface: home ? 'home' : 'event',
      teamId: body.team_id,
      userId,
      channelId: home ? undefined : event.channel,
    };
  }
  const userId = body.user?.id;
  const teamId = body.team?.id ?? body.team_id;
  // A click in one of the app's modals stands for the channel the modal was opened from (kept by Slack).
  const channelId =
    body.channel?.id ??
    (body.view?.callback_id === CALLS_MODAL_CALLBACK_ID
      ? decodeModalState(body.view.private_metadata).channelId
      : undefined);
  const surface: Surface =
    body.type === 'block_actions' ? (channelId === undefined ? 'home' : 'button') : body.view ? 'home' : 'other';
  return { surface, teamId, userTeamId: body.user?.team_id, userId, channelId };
}

/**
 * Global middleware: refuses before any listener runs. Commands get the refusal as their (ephemeral) ack; buttons
 * in messages through their response_url; the Home tab gets a refusal view; anything else is only acknowledged.
 * In demo mode a refusal says so too, like every other message.
 */
export function accessMiddleware(
  policy: AccessPolicy,
  logger: Logger,
  options: { demo: boolean },
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const request = accessRequestOf(args);
    const decision = checkAccess(policy, request);
    if (decision.allowed) {
      await args.next();
      return;
    }
    logger.warn(
      {
        audit: 'refused',
        surface: request.surface,
        reason: decision.reason,
        user: request.userId,
        team: request.teamId,
        channel: request.channelId,
      },
      'request refused',
    );
    const ack = 'ack' in args ? (args.ack as ((response?: unknown) => Promise<void>) | undefined) : undefined;
    const body = args.body as LooseBody;
    try {
      const refusal = renderRefusal(decision.message, options);
      if ('command' in args) {
        await args.ack({ response_type: 'ephemeral', ...refusal });
        return;
      }
      await ack?.();
      // A workflow step must end: it fails with the refusal, so the workflow says why instead of hanging.
      if ('fail' in args && typeof args.fail === 'function') {
        await (args.fail as (params: { error: string }) => Promise<unknown>)({ error: decision.message });
        return;
      }
      if (decision.reason === 'other-workspace') return;
      // A shortcut has a trigger_id and nothing else to answer on: the refusal opens as a modal.
      if ((body.type === 'shortcut' || body.type === 'message_action') && typeof body.trigger_id === 'string') {
        await args.client.views.open({
          trigger_id: body.trigger_id,
          view: renderModal(refusal, { title: 'Call records', privateMetadata: '' }),
        });
        return;
      }
      if ('respond' in args && typeof args.respond === 'function' && body.response_url) {
        await args.respond({ response_type: 'ephemeral', replace_original: false, ...refusal });
      } else if (request.surface === 'home' && request.userId) {
        await args.client.views.publish({
          user_id: request.userId,
          view: renderHomeRefusal(decision.message, options),
        });
      }
    } catch (error) {
      logger.warn({ err: error, reason: decision.reason }, 'could not deliver a refusal');
    }
  };
}
