/**
 * One call as a card, for the surfaces that show a call outside a search: a pasted call link (unfurl) and the
 * Workflow Builder step "Get call". Finds the call (store, then Tencent), with the audit line every lookup writes.
 */
import type { CallRecord } from '../calls/records.js';
import { usersOf } from '../calls/user-names.js';
import type { QueryAudit } from './audit.js';
import { lookupNames } from './lookup-names.js';
import { findCall } from './search-answer.js';
import type { SlackServices } from './services.js';
import { type RenderedCard, renderCallCard, renderCallNotFoundCard, renderCardProblem } from './views/call-card.js';

/**
 * The one place a card (and the "Get call" step) takes a call's cause: one sentence saying why it ended as it did,
 * or undefined while the app has no cause for it. The cause rule belongs to the domain (src/calls/), from the call's
 * events in the store; until the app records them there is none, and cards show who, result and duration alone.
 * Asynchronous and given the services because the cause will be read from the store.
 */
export async function causeOfCall(_services: SlackServices, _record: CallRecord): Promise<string | undefined> {
  return undefined;
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
  const cause = await causeOfCall(services, found.record);
  return renderCallCard(found.record, {
    demo: services.demo,
    timeZone,
    names,
    ...(cause === undefined ? {} : { cause }),
  });
}
