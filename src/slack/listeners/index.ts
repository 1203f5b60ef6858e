import type { App } from '@slack/bolt';
import type { SlackServices } from '../services.js';
import * as actions from './actions/index.js';
import * as commands from './commands/index.js';
import * as events from './events/index.js';
import * as functions from './functions/index.js';
import * as shortcuts from './shortcuts/index.js';

/** Registers every listener. Each folder's `register(app, services)` wires its own. */
export function registerListeners(app: App, services: SlackServices): void {
  commands.register(app, services);
  actions.register(app, services);
  events.register(app, services);
  functions.register(app, services);
  shortcuts.register(app, services);
}
