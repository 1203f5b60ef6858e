import type { CallEvent, CallEventReader } from '../calls/call-events.js';
import type { Logger } from '../shared/logger.js';

/**
 * The stored events of some calls, for timelines and causes. A failing store costs the timelines, never the
 * answer: undefined then, and the views say the events could not be read.
 */
export async function lookupEvents(
  services: { events?: CallEventReader; logger: Logger },
  callIds: readonly string[],
): Promise<ReadonlyMap<string, CallEvent[]> | undefined> {
  if (services.events === undefined) return new Map();
  try {
    return await services.events.eventsOf(callIds);
  } catch (error) {
    services.logger.warn({ err: error }, 'call events unavailable: answering without timelines and causes');
    return undefined;
  }
}
