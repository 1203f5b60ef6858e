import type { App } from '@slack/bolt';
import type { SlackServices } from '../../services.js';

/**
 * Events API listeners. The Home tab (`app_home_opened`, tab `home` only) registers here:
 * `app.event('app_home_opened', appHomeOpened(services))`. Events from another workspace, and Home tabs of people
 * the allow-lists refuse, never reach these listeners (see `access.ts`).
 */
export function register(_app: App, _services: SlackServices): void {}
