import type { Config } from '../../config/index.js';
import { RESTARTED_MESSAGE } from '../error-messages.js';
import { DEFAULT_HOME_FILTERS } from '../state/home-state.js';
import { type RenderedHomeView, renderHomeView } from './home.js';

/** The Home tab published when the app restarted before it could answer a search there: the filters, and why. */
export function renderRestartedHome(config: Pick<Config, 'defaultTimeZone'>, demo: boolean): RenderedHomeView {
  return renderHomeView({
    filters: DEFAULT_HOME_FILTERS,
    errors: { general: RESTARTED_MESSAGE },
    demo,
    timeZone: config.defaultTimeZone,
    now: Date.now(),
  });
}
