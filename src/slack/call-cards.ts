/**
 * One call as a card, for the surfaces that show a call outside a search: a pasted call link (unfurl) and the
 * Workflow Builder step "Get call". Finds the call (store, then Tencent), with the audit line every lookup writes.
 */
import { callCause, causeSentence, type PersonWriter } from '../calls/call-cause.js';
import type { CallRecord } from '../calls/records.js';
import { usersOf } from '../calls/user-names.js';
import type { QueryAudit } from './audit.js';
import { lookupEvents } from './lookup-events.js';
import { lookupNames } from './lookup-names.js';
import { findCall } from './search-answer.js';
import type { SlackServices } from './services.js';
import { type RenderedCard, renderCallCard, renderCallNotFoundCard, renderCardProblem } from './views/call-card.js';
import { slackPerson } from './views/timeline.js';

/**
 * The one place a card (and the "Get call" step) takes a call's cause: one sentence saying why it ended as it did
 * (the domain's rule over the call's stored events), or undefined when the call has no events (callbacks not
 * configured, or the call predates them) or they cannot be read: nothing is guessed. `person` writes a member: the
 * card's mrkdwn label, or plain text for a workflow's variables.
 */
export async function causeOfCall(
  services: SlackServices,
  record: CallRecord,
  person: PersonWriter,
): Promise<string | undefined> {
  const events = await lookupEvents(services, [record.callId]);
  const cause = callCause(record, events?.get(record.callId) ?? []);
  return cause === null ? undefined : causeSentence(cause, person);
}

/** The card of the call `callId` (or "not found", or the failure as one sentence). Finishes `audit`. */
export async function callCard(
  services: SlackServices,
  callId: string,
  timeZone: string,
  audit: QueryAudit,
): Promise<RenderedCard> {
  const found = await findCall(services, callId, audit);
  if (!found.ok) return renderCardProblem(found.failure.text, { demo: services.demo });
  if (found.record === null) return renderCallNotFoundCard(callId, { demo: services.demo });
  const names = await lookupNames(services, usersOf([found.record]));
  const cause = await causeOfCall(services, found.record, slackPerson(names));
  return renderCallCard(found.record, {
    demo: services.demo,
    timeZone,
    names,
    ...(cause === undefined ? {} : { cause }),
  });
}
