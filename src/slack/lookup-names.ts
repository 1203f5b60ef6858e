import { NO_NAMES, type UserNames } from '../calls/user-names.js';
import type { SlackServices } from './services.js';

/**
 * The cached display names of `ids` (no Tencent request). A failing cache costs the names, never the answer: the
 * IDs are then shown alone.
 */
export async function lookupNames(
  services: Pick<SlackServices, 'names' | 'logger'>,
  ids: Iterable<string>,
): Promise<UserNames> {
  if (services.names === undefined) return NO_NAMES;
  try {
    return await services.names.namesOf(ids);
  } catch (error) {
    services.logger.warn({ err: error }, 'display names unavailable: showing user IDs alone');
    return NO_NAMES;
  }
}
