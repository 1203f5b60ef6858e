/**
 * Command-line entry: `tsx src/cli.ts <command> …` (npm run calls / summary / sync / demo-server).
 * The commands live in src/cli/; this file only wires them to the real process.
 */
import { main } from './cli/main.js';

const exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  ...(process.stderr.isTTY ? { terminal: process.stderr } : {}),
});
// Not process.exit(): pending output is flushed first, and `demo-server` keeps running until a signal.
process.exitCode = exitCode;
