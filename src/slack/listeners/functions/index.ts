import type { App } from '@slack/bolt';
import type { SlackServices } from '../../services.js';
import { FUNCTION_IDS } from '../../views/ids.js';
import { getCallStep, lookUpCallsStep } from './steps.js';

/** Workflow Builder steps (`function_executed`), acknowledged at once by Bolt, ended by complete() or fail(). */
export function register(app: App, services: SlackServices): void {
  app.function(FUNCTION_IDS.lookUpCalls, lookUpCallsStep(services));
  app.function(FUNCTION_IDS.getCall, getCallStep(services));
}
