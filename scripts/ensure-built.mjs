// Builds dist/ when it is missing or older than any source file, so `npm start` works on a fresh clone.
// Where TypeScript is not installed (a production install without devDependencies, e.g. Heroku after its build
// step), an existing dist/ is used as it is: file times there say nothing about staleness.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const entry = 'dist/app.js';
const compiler = 'node_modules/typescript/bin/tsc';
const stale = !existsSync(entry) || statSync(entry).mtimeMs < Math.max(newest('src'), newest('types'));
if (stale && existsSync(compiler)) {
  process.stderr.write('Building dist/ …\n');
  execFileSync(process.execPath, [compiler, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
} else if (!existsSync(entry)) {
  process.stderr.write('dist/ is missing and TypeScript is not installed: run `npm ci && npm run build` first.\n');
  process.exit(1);
}
