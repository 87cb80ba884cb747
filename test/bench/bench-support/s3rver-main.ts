/**
 * Runs s3rver (through test/support/s3-emulator.ts) in its own process, so that the S3 emulator's
 * CPU is neither the bench driver's nor the tool's under test. Prints one JSON line
 * `{"endpoint", "bucket", "directory"}` once listening; stops (and deletes its data) on SIGTERM,
 * SIGINT, or when its stdin closes (the bench that started it is gone).
 *
 *   node dist/test/bench/bench-support/s3rver-main.js <bucket>
 */
import { startS3Emulator } from '../../support/s3-emulator.js';

async function main(): Promise<void> {
  const bucket = process.argv[2] ?? 'hoist-bench';
  const emulator = await startS3Emulator(bucket);
  let stopping: Promise<void> | null = null;
  const stop = (): void => {
    stopping ??= emulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`s3rver: stop failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdin.on('end', stop).on('error', stop).resume();
  process.stdout.write(
    `${JSON.stringify({ endpoint: emulator.endpoint, bucket, directory: emulator.directory })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(`s3rver: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
