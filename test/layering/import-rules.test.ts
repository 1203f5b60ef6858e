/**
 * The folders' import rules (biome.json, `noRestrictedImports` per folder) hold: a module that imports against the
 * direction fails the lint, which `npm test` runs, with a message naming the broken rule. Biome runs on fixture
 * files in a temporary copy of the layout, so the repository's own lint stays green.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const biome = path.resolve('node_modules/.bin/biome');
let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'layering-'));
  const config = JSON.parse(readFileSync('biome.json', 'utf8'));
  // The copy is not a git work tree; everything else (the overrides above all) is the repository's own.
  config.vcs = { enabled: false };
  delete config.$schema;
  writeFileSync(path.join(root, 'biome.json'), JSON.stringify(config));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Lints one module at `file` (relative to src/) and returns Biome's diagnostics, or '' when it passes. */
async function lint(file: string, source: string): Promise<string> {
  const full = path.join(root, 'src', file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, source);
  try {
    await run(biome, ['lint', '--only=style/noRestrictedImports', '--colors=off', full], { cwd: root });
    return '';
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    return `${stdout}\n${stderr}`;
  }
}

const uses = (name: string) => `\nexport const used: unknown = ${name};\n`;

describe('the import rules between folders', () => {
  it.each([
    ['calls/a.ts', "import { TencentError } from '../tencent/client.js';", 'TencentError', "Layering rule 'domain'"],
    ['calls/b.ts', "import { pino } from 'pino';", 'pino', "Layering rule 'domain'"],
    ['calls/c.ts', "import { Kysely } from 'kysely';", 'Kysely', "Layering rule 'domain'"],
    ['jobs/a.ts', "import { App } from '@slack/bolt';", 'App', "Layering rule 'jobs'"],
    ['jobs/b.ts', "import { renderHelp } from '../slack/views/help.js';", 'renderHelp', "Layering rule 'jobs'"],
    ['slack/views/a.ts', "import { scan } from '../../tencent/scan.js';", 'scan', "Layering rule 'slack'"],
    ['slack/b.ts', "import { startSync } from '../jobs/sync-job.js';", 'startSync', "Layering rule 'slack'"],
    ['shared/a.ts', "import { parseQuery } from '../calls/parse-query.js';", 'parseQuery', "Layering rule 'shared'"],
    ['store/a.ts', "import { App } from '@slack/bolt';", 'App', "Layering rule 'adapters'"],
    ['sync/a.ts', "import { startApp } from '../slack/create-app.js';", 'startApp', "Layering rule 'adapters'"],
  ])('%s: %s fails, naming the rule', async (file, line, name, rule) => {
    const found = await lint(file, line + uses(name));
    expect(found).toContain('noRestrictedImports');
    expect(found).toContain(rule);
  });

  it.each([
    ['calls/ok.ts', "import { parseQuery } from './parse-query.js';", 'parseQuery'],
    ['calls/ok-shared.ts', "import type { LogSink } from '../shared/log-sink.js';", 'null as unknown as LogSink'],
    ['jobs/ok.ts', "import { parseQuery } from '../calls/parse-query.js';", 'parseQuery'],
    ['slack/ok.ts', "import { parseQuery } from '../calls/parse-query.js';", 'parseQuery'],
    [
      'wiring/ok.ts',
      "import { startApp } from '../slack/create-app.js';\nimport { scan } from '../tencent/scan.js';",
      '[startApp, scan]',
    ],
  ])('%s: %s passes', async (file, line, name) => {
    expect(await lint(file, line + uses(name))).toBe('');
  });
});
