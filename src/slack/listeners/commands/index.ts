import type { App } from '@slack/bolt';
import type { SlackServices } from '../../services.js';
import { CALLS_COMMAND, callsCommand } from './calls-command.js';

export function register(app: App, services: SlackServices): void {
  app.command(CALLS_COMMAND, callsCommand(services));
}
