/**
 * Compiles a TypeScript entry point to one ESM file that plain `node` runs, the way `npm start` runs the built app
 * (no TypeScript loader: tsx's loader thread adds ~60 MB of RSS and routes every lazy import through a worker,
 * neither of which production has). Uses esbuild, which tsx ships with; dependencies stay imports, and the output
 * goes under node_modules/.cache so that they resolve exactly as the app's own do.
 */
import { mkdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUILD_DIR = fileURLToPath(new URL('../../node_modules/.cache/callkit-slack-bench/', import.meta.url));

/** The compiled file, or undefined when esbuild cannot be loaded or the build fails (callers fall back to tsx). */
export async function compileEntry(source: string): Promise<string | undefined> {
  try {
    const esbuild = await import('esbuild');
    await mkdir(BUILD_DIR, { recursive: true });
    const outfile = `${BUILD_DIR}${basename(source).replace(/\.ts$/, '')}.mjs`;
    await esbuild.build({
      entryPoints: [source],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
    return outfile;
  } catch {
    return undefined;
  }
}
