/**
 * `npm start`: the Slack app. Reads the configuration (and `.env`), checks the Slack credentials, opens the
 * call-record store and starts its sync with Tencent (demo mode without TENCENT_SDKAPPID), then the Bolt app, its
 * routes and jobs (src/wiring/service.ts), and stops gracefully on SIGTERM/SIGINT.
 */
import { ConfigError, loadConfig, loadDotEnv, slackCredentialProblems } from './config/index.js';
import { createLogger, redactText } from './shared/logger.js';
import { createShutdownHandler, installProcessHandlers, missingCredentialsGuide } from './slack/lifecycle.js';

async function main(): Promise<number | undefined> {
  loadDotEnv();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const problems = slackCredentialProblems(config);
  if (problems.length > 0) {
    process.stderr.write(`${missingCredentialsGuide(problems)}\n`);
    return 1;
  }

  // Loaded only now, so that the guide and configuration errors above come at once.
  const [{ createCallRecordsBackend }, { startService }] = await Promise.all([
    import('./wiring/backend.js'),
    import('./wiring/service.js'),
  ]);
  const logger = createLogger({ level: config.logLevel });
  let backend: Awaited<ReturnType<typeof createCallRecordsBackend>> | undefined;
  let running: Awaited<ReturnType<typeof startService>> | undefined;
  // Installed before anything starts: a SIGTERM that arrives while the sync's first pass keeps the process busy
  // and the app is still starting stops whatever has started, rather than killing the process mid-write.
  installProcessHandlers(
    createShutdownHandler({ stop: async () => (running ? running.stop() : backend?.close()), logger }),
    logger,
  );
  // The store opens (and migrates) here; the sync keeps it reconciled with Tencent in the background.
  backend = await createCallRecordsBackend(config, { logger });
  try {
    // Demo mode plays live calls through the callbacks, so a newcomer sees timelines and /calls live at once.
    running = await startService(config, { logger, backend, demoCalls: true });
  } catch (error) {
    await backend.close();
    process.stderr.write(`Could not start: ${redactText((error as Error).message)}\n`);
    return 1;
  }
  return undefined;
}

main().then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`Could not start: ${redactText(error instanceof Error ? error.message : String(error))}\n`);
    process.exit(1);
  },
);
