/**
 * Workflow Builder steps (Bolt custom functions, declared in manifest.yml's `functions`): "Look up calls" and "Get
 * call". Each runs as the person who ran the workflow (its `user_context` input, checked by the access rules like
 * any request) and always ends: `complete` with the outputs, or `fail` with one sentence, never a hang.
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { callLink } from '../../../calls/call-links.js';
import { formatDuration, RESULT_LABELS } from '../../../calls/describe-query.js';
import { parseQuery } from '../../../calls/parse-query.js';
import type { CallQuery } from '../../../calls/query.js';
import { DROPPED_RESULTS, isKnownCallResult, talkSeconds } from '../../../calls/records.js';
import { resolveNames } from '../../../calls/resolve-names.js';
import { personText, usersOf } from '../../../calls/user-names.js';
import { beginAudit } from '../../audit.js';
import { causeOfCall } from '../../call-cards.js';
import { lookupNames } from '../../lookup-names.js';
import { findCall, findPage, pinFor } from '../../search-answer.js';
import type { SlackServices } from '../../services.js';
import { isValidUserId } from '../../state/button-state.js';
import { callSentence } from '../../views/call-blocks.js';

type StepArgs = AllMiddlewareArgs & SlackEventMiddlewareArgs<'function_executed'>;
type Outputs = Record<string, string | number>;
/** What a step gives back: its outputs, or why it could not (one sentence for the workflow's run history). */
type StepResult = { ok: true; outputs: Outputs } | { ok: false; error: string };

/** Longest text input a step reads (a user ID, a name, a range, a CallId). */
const MAX_INPUT = 200;

function textInput(inputs: Record<string, unknown>, key: string): string {
  const value = inputs[key];
  return typeof value === 'string' ? value.trim() : '';
}

function runnerOf(inputs: Record<string, unknown>): string | undefined {
  const context = inputs.user_context as { id?: unknown } | undefined;
  return typeof context?.id === 'string' ? context.id : undefined;
}

/** Runs a step: always ends it, with `complete` or `fail`. */
function step(services: SlackServices, name: string, run: (args: StepArgs, userId: string) => Promise<StepResult>) {
  return async (args: StepArgs): Promise<void> => {
    const { complete, fail, inputs } = args;
    let result: StepResult;
    const userId = runnerOf(inputs);
    try {
      result =
        userId === undefined
          ? { ok: false, error: 'This step needs to know who runs the workflow (its user_context input).' }
          : await run(args, userId);
    } catch (error) {
      services.logger.error({ err: error, step: name }, 'workflow step failed');
      result = { ok: false, error: 'The step failed unexpectedly; try again, and tell whoever runs callkit-slack.' };
    }
    try {
      if (result.ok) await complete({ outputs: result.outputs });
      else await fail({ error: result.error });
    } catch (error) {
      services.logger.warn({ err: error, step: name }, 'could not end a workflow step');
    }
  };
}

/**
 * A user as a person types one: an ID the store knows (`147`), else a name in the names cache ("Alice Wong"); an
 * ID-shaped text that is neither is kept as an ID (it then has no calls).
 */
async function userQuery(services: SlackServices, text: string): Promise<Pick<CallQuery, 'users' | 'names'>> {
  if (isValidUserId(text)) {
    const known = (await services.search.knownUsers?.([text])) ?? [];
    if (known.length > 0 || services.names === undefined) return { users: [text] };
    const named = await services.names.findUsersByName(text, 1);
    return named.length > 0 ? { users: [], names: [text] } : { users: [text] };
  }
  return { users: [], names: [text] };
}

const RANGE_HINT = 'a time range such as last:24h, yesterday, today or from:2026-11-20 to:2026-11-21';

export function lookUpCallsStep(services: SlackServices) {
  return step(services, 'look_up_calls', async ({ inputs, body }, userId) => {
    const userText = textInput(inputs, 'user');
    const rangeText = textInput(inputs, 'range');
    if (userText === '' || userText.length > MAX_INPUT) {
      return { ok: false, error: `Give a user ID (like 147) or a name, up to ${MAX_INPUT} characters.` };
    }
    if (rangeText.length > MAX_INPUT) return { ok: false, error: `The range must be ${RANGE_HINT}.` };
    const parsedRange = rangeText === '' ? undefined : parseQuery(rangeText);
    if (parsedRange !== undefined && parsedRange.kind !== 'query') {
      const why = parsedRange.kind === 'invalid' ? parsedRange.errors.map((e) => e.message).join('; ') : '';
      return { ok: false, error: `The range must be ${RANGE_HINT}${why ? ` (${why})` : ''}.` };
    }
    const range = parsedRange?.kind === 'query' ? parsedRange.query : undefined;
    if (
      range !== undefined &&
      (range.users.length > 0 ||
        (range.names?.length ?? 0) > 0 ||
        range.results.length > 0 ||
        range.callTypes.length > 0 ||
        range.mediaTypes.length > 0 ||
        range.callId !== undefined)
    ) {
      return { ok: false, error: `The range must be ${RANGE_HINT}, nothing else.` };
    }
    const audit = beginAudit(services.logger, {
      surface: 'workflow:look_up_calls',
      user: userId,
      team: (body as { team_id?: string }).team_id,
      text: `${userText} ${rangeText}`.trim(),
    });
    const query: CallQuery = {
      ...(await userQuery(services, userText)),
      results: [],
      callTypes: [],
      mediaTypes: [],
      range: range?.range ?? { kind: 'retained' },
    };
    const resolved = await resolveNames(query, services.names);
    if (!resolved.ok) {
      audit.finish({ outcome: 'names-unmatched' });
      return { ok: false, error: resolved.message };
    }
    const timeZone = await services.timeZones.get(userId);
    const pinned = pinFor(services, resolved.query, services.now(), timeZone);
    if ('error' in pinned) {
      audit.finish({ outcome: 'invalid-range' });
      return { ok: false, error: pinned.error };
    }
    const all = await findPage(services, { pinned: pinned.pinned, page: 1 }, audit);
    if (!all.ok) return { ok: false, error: all.failure.text };
    const droppedAudit = beginAudit(services.logger, { surface: 'workflow:look_up_calls:dropped', user: userId });
    const dropped = await findPage(
      services,
      { pinned: { ...pinned.pinned, results: [...DROPPED_RESULTS] }, page: 1 },
      droppedAudit,
    );
    if (!dropped.ok) return { ok: false, error: dropped.failure.text };
    const newest = all.page.records[0];
    const names = newest === undefined ? undefined : await lookupNames(services, usersOf([newest]));
    return {
      ok: true,
      outputs: {
        count: all.page.total,
        dropped_count: dropped.page.total,
        newest_call: newest === undefined ? 'No calls found' : callSentence(newest, names),
        newest_call_link:
          newest === undefined || services.publicUrl === undefined ? '' : callLink(services.publicUrl, newest.callId),
      },
    };
  });
}

export function getCallStep(services: SlackServices) {
  return step(services, 'get_call', async ({ inputs, body }, userId) => {
    const callId = textInput(inputs, 'call_id');
    if (callId === '' || callId.length > MAX_INPUT) {
      return { ok: false, error: `Give a CallId, up to ${MAX_INPUT} characters.` };
    }
    const audit = beginAudit(services.logger, {
      surface: 'workflow:get_call',
      user: userId,
      team: (body as { team_id?: string }).team_id,
    });
    const found = await findCall(services, callId, audit);
    if (!found.ok) return { ok: false, error: found.failure.text };
    const record = found.record;
    if (record === null) {
      return { ok: false, error: `No call with ID ${callId}: neither the call-record store nor Tencent has it.` };
    }
    const names = await lookupNames(services, usersOf([record]));
    const result = isKnownCallResult(record.result)
      ? `${RESULT_LABELS[record.result]} (${record.result})`
      : record.result;
    return {
      ok: true,
      outputs: {
        result,
        cause: (await causeOfCall(services, record)) ?? '',
        duration: formatDuration(talkSeconds(record)),
        participants: [record.caller, ...record.callees].map((id) => personText(id, names)).join(', '),
        link: services.publicUrl === undefined ? '' : callLink(services.publicUrl, record.callId),
      },
    };
  });
}
