/** Runs a bench script's `main`, then exits: 0 when it finished, 1 with the stack on stderr (what a parent reads). */
export function runMain(label: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${label} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
