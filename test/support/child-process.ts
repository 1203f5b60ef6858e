/** Runs a TypeScript file in a real separate Node process (through tsx), for multi-process tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const TSX = path.resolve('node_modules/.bin/tsx');

export interface Child {
  process: ChildProcess;
  /** Everything written to stdout so far. */
  output(): string;
  /** Resolves once stdout contains `text`. */
  waitForOutput(text: string): Promise<void>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

export function runTsx(file: string, args: string[] = [], env: Record<string, string> = {}): Child {
  const child = spawn(TSX, [file, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
