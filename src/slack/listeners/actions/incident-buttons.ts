import { MUTE_SECONDS } from '../../../calls/incident-rule.js';
import { finishWithError } from '../../error-messages.js';
import type { SlackServices } from '../../services.js';
import { decodeIncidentButton } from '../../state/incident-button-state.js';
import { type ButtonArgs, beginMessageButton } from './requester.js';

export type IncidentButtonKind = 'acknowledge' | 'mute1h' | 'mute24h';

const NO_MONITOR =
  'Incidents are not watched by this app right now (ALERT_CHANNEL is unset), so this button does nothing.';
const UNKNOWN_INCIDENT = 'This incident is no longer in the call-record store, so there is nothing to change.';

/**
 * Acknowledge, Mute 1 h and Mute 24 h on an incident message: thin, like every button (the access middleware ran
 * before; the value is read back with zod). The monitor records who clicked and updates the message in place,
 * so the channel sees who did it; only a problem is answered privately.
 */
export function incidentButton(services: SlackServices, kind: IncidentButtonKind) {
  return async (args: ButtonArgs): Promise<void> => {
    const click = await beginMessageButton(services, args, decodeIncidentButton);
    if (!click) return;
    const { requester, audit, problem } = click;
    const controls = services.incidents;
    if (controls === undefined) {
      audit.finish({ outcome: 'incidents-off' });
      await problem(NO_MONITOR);
      return;
    }
    const { incidentId } = click.state;
    try {
      const done =
        kind === 'acknowledge'
          ? await controls.acknowledge(incidentId, requester.userId)
          : await controls.mute(
              incidentId,
              requester.userId,
              kind === 'mute1h' ? MUTE_SECONDS.oneHour : MUTE_SECONDS.oneDay,
            );
      audit.finish({ outcome: done ? `incident-${kind}` : 'incident-unknown' });
      if (!done) await problem(UNKNOWN_INCIDENT);
    } catch (error) {
      const failure = finishWithError(audit, error, services.logger, { incident: incidentId, kind });
      await problem(failure.text);
    }
  };
}
