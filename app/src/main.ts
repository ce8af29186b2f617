import { ConfigError, loadConfig } from "./config";
import { startServer, type RunningServer } from "./server";

/**
 * The container's entry point (`CMD ["node", "dist/main.js"]`) and the only module that exits the process.
 * SIGTERM (ECS stopping the task) stops accepting, finishes in-flight requests and closes the pool; if that takes
 * longer than SHUTDOWN_TIMEOUT_MS (kept below the task's stopTimeout) it exits non-zero before SIGKILL arrives.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${JSON.stringify({ level: 60, msg: err.message, problems: err.problems })}\n`);
    process.exit(78);
  }
  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (err) {
    process.stderr.write(
      `${JSON.stringify({ level: 60, tenant: config.tenantSlug, msg: "startup failed", err: err instanceof Error ? err.message : String(err) })}\n`,
    );
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, "shutting down: finishing in-flight requests");
    setTimeout(() => {
      server.logger.error({ timeoutMs: config.shutdownTimeoutMs }, "shutdown took too long; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});
