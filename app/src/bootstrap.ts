import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { runBootstrap, loadBootstrapConfig } from "./bootstrap/run";
import { ConfigError } from "./config";
import { createLogger } from "./logger";

/**
 * The image's second entry point (`node dist/bootstrap.js`), run as a one-off ECS task before the service deploys:
 * exit 0 when the app role, its secret and the migrations are in place; non-zero otherwise, with the reason as the
 * last log line (the task runner puts the last lines in the failing `up`'s error). Never prints a secret.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadBootstrapConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${JSON.stringify({ level: 60, msg: err.message, problems: err.problems })}\n`);
    // exitCode rather than exit(): nothing else is pending, and buffered output still drains.
    process.exitCode = 78;
    return;
  }
  const logger = createLogger({ tenantSlug: config.tenantSlug, level: config.logLevel, destination: undefined });
  try {
    await runBootstrap(config, { secrets: new SecretsManagerClient({ region: config.awsRegion }), logger });
    logger.info("bootstrap done");
    logger.flush();
    process.exitCode = 0;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    logger.fatal({ err: { message: err instanceof Error ? err.message : String(err), code } }, "bootstrap failed");
    logger.flush();
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exitCode = 1;
});
