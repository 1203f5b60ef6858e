/**
 * The last check before Bolt dispatches anything, in both modes: a body whose shape the app cannot handle is
 * acknowledged and dropped (Bolt would throw on a `null` payload, or never ack another shape, and Slack would then
 * deliver it again). Over HTTP the request gate has answered 400 before; in Socket Mode this is the only check.
 */
import type { App } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { checkParsedBody } from './request-shape.js';

export function guardEvents(app: App, logger: Logger): void {
  const dispatch = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    const shape = checkParsedBody(event.body);
    if (shape.ok) return dispatch(event);
    logger.warn({ reason: shape.reason }, 'dropped a request Slack would not send');
    await event.ack();
  };
}
