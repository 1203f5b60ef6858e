/**
 * Runs a TypeScript file in a real separate Node process, for multi-process tests. The file is bundled once per
 * test file with esbuild (packages stay external) and run by plain `node`: several times cheaper than tsx on a
 * busy machine, and the child's pid is the process that runs the script.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

// Inside the repository (its `tmp/` is git-ignored), so the bundle's imports find `node_modules`.
const BUILD_ROOT = path.resolve('tmp/test-build');
let buildDir: string | undefined;
const bundles = new Map<string, Promise<string>>();
const running = new Set<ChildProcess>();

/**
 * Kills what is still running and removes the bundles: after every test file (test/support/after-each-file.ts, not
 * an `afterAll` here, which would only hook the first file of a worker that reuses this module).
 */
export function cleanUpChildProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  buildDir = undefined;
  bundles.clear();
}

async function bundle(file: string): Promise<string> {
  if (!buildDir) {
    mkdirSync(BUILD_ROOT, { recursive: true });
    buildDir = mkdtempSync(path.join(BUILD_ROOT, 'run-'));
  }
  const outfile = path.join(buildDir, `${path.basename(file, '.ts')}-${bundles.size}.mjs`);
  await build({
    entryPoints: [file],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

export interface Child {
  process: ChildProcess;
  /** Everything written to stdout so far. */
  output(): string;
  /** Resolves once stdout contains `text`. */
  waitForOutput(text: string): Promise<void>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** Starts `file` (a path from the repository root) in a new Node process with `args` and extra `env`. */
export async function runScript(file: string, args: string[] = [], env: Record<string, string> = {}): Promise<Child> {
  let built = bundles.get(file);
  if (!built) {
    built = bundle(file);
    bundles.set(file, built);
  }
  const child = spawn(process.execPath, [await built, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      for (const wake of waiters.splice(0)) wake();
      resolve(code ?? signal ?? -1);
    });
  });
  return {
    process: child,
    output: () => stdout,
    exited,
    async waitForOutput(text) {
      while (!stdout.includes(text)) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${path.basename(file)} exited without printing "${text}": ${stdout}${stderr}`);
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}
