/**
 * The built app, as `npm start` runs it (`node dist/app.js`), for the multi-process tests: compiled once with the
 * project's build config into `tmp/app-build/<hash of the sources>/` inside the repository (so `node_modules` is
 * found as from `dist/`), and reused while the sources are unchanged. A compiled start takes about a third of a
 * start through tsx on these machines, and the suite starts a process for every failover; `dist/` itself is left
 * alone (a developer's build, and `npm start`'s own staleness check).
 * Two files building at once both compile; the first rename wins and the other build is dropped.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILDS = path.join(ROOT, 'tmp', 'app-build');

/** The path of the compiled `app.js` for the current sources. */
export async function builtApp(): Promise<string> {
  const key = sourceHash();
  const target = path.join(BUILDS, key);
  const entry = path.join(target, 'app.js');
  if (existsSync(entry)) return entry;
  const partial = `${target}.partial-${process.pid}-${Date.now()}`;
  await promisify(execFile)(
    process.execPath,
    [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', partial],
    { cwd: ROOT },
  );
  try {
    renameSync(partial, target);
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another file's build got there first
  }
  for (const old of readdirSync(BUILDS)) {
    if (old !== key && !old.includes('.partial-')) rmSync(path.join(BUILDS, old), { recursive: true, force: true });
  }
  return entry;
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const add = (file: string) => hash.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file));
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else add(full);
    }
  };
  walk(path.join(ROOT, 'src'));
  walk(path.join(ROOT, 'types'));
  add(path.join(ROOT, 'tsconfig.json'));
  add(path.join(ROOT, 'tsconfig.build.json'));
  return hash.digest('hex').slice(0, 16);
}
