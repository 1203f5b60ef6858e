import type { App } from '@slack/bolt';
import { createHomeTab } from '../../home/home-service.js';
import type { SlackServices } from '../../services.js';
import { appHomeOpened } from './app-home-opened.js';
import { linkShared } from './link-shared.js';

/**
 * Events API listeners. The Home tab (`app_home_opened`, tab `home` only) registers here:
 * `app.event('app_home_opened', appHomeOpened(services, createHomeTab(services)))`. Events from another workspace, and Home tabs of people
 * the allow-lists refuse, never reach these listeners (see `access.ts`).
 */
export function register(app: App, services: SlackServices): void {
  app.event('app_home_opened', appHomeOpened(services, createHomeTab(services)));
  // Call links unfurl into call cards (with PUBLIC_URL; without it the event is acknowledged and ignored).
  app.event('link_shared', linkShared(services));
}
