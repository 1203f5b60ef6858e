// `npm run calls|summary|sync|callback|demo-server`: the command line from its TypeScript source (through tsx's
// loader) where tsx is installed, else from the built dist/ (a production install without devDependencies, e.g.
// a Heroku Scheduler job after Heroku's build step). The command runs in a child Node process with this one's
// terminal; SIGTERM is passed on so `npm run sync` stops cleanly under a process manager.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const fromSource = existsSync('node_modules/tsx/package.json') && existsSync('src/cli.ts');
if (!fromSource && !existsSync('dist/cli.js')) {
  process.stderr.write('dist/ is missing and tsx is not installed: run `npm ci && npm run build` first.\n');
  process.exit(1);
}
const child = spawn(
  process.execPath,
  fromSource ? ['--import', 'tsx', 'src/cli.ts', ...args] : ['dist/cli.js', ...args],
  {
    stdio: 'inherit',
  },
);
// Ctrl-C reaches the whole process group (the child too): only SIGTERM, sent to this process alone, is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
