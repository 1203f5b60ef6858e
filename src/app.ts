/**
 * `npm start`: the Slack app. Reads the configuration (and `.env`), checks the Slack credentials, starts the
 * Tencent backend (demo mode without TENCENT_SDKAPPID) and the Bolt app, and stops gracefully on SIGTERM/SIGINT.
 */
import { ConfigError, loadConfig, loadDotEnv, slackCredentialProblems } from './config.js';
import { createLogger, redactText } from './logger.js';
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
  const [{ createCallRecordsBackend }, { startApp }] = await Promise.all([
    import('./backend.js'),
    import('./slack/create-app.js'),
  ]);
  const logger = createLogger({ level: config.logLevel });
  const backend = await createCallRecordsBackend(config, { logger });
  let running: Awaited<ReturnType<typeof startApp>>;
  try {
    running = await startApp(config, { logger, backend });
  } catch (error) {
    await backend.close();
    process.stderr.write(`Could not start: ${redactText((error as Error).message)}\n`);
    return 1;
  }
  installProcessHandlers(createShutdownHandler({ stop: () => running.stop(), logger }), logger);
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
