import 'reflect-metadata';
import 'dotenv/config';
import { EnvError } from './config/env.js';
import { startServer } from './server.js';

try {
  const server = await startServer();
  let signals = 0;
  const shutdown = (signal: string) => {
    // A second signal means "now": skip the graceful path.
    if (++signals > 1) process.exit(1);
    server.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), server.env.SHUTDOWN_TIMEOUT_MS + 5_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err) => {
        server.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  if (error instanceof EnvError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`metax failed to start: ${(error as Error).stack ?? error}\n`);
  }
  process.exit(1);
}
