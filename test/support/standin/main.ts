import { dispatch } from "./cli/dispatch";
import { CliError, messageOf } from "./errors";

/**
 * Entry of the stand-in `pulumi` (test/support/bin/pulumi). Errors print as `error: <message>` with exit code 255,
 * as the real CLI does; the explicit exit also ends gRPC handles a failed operation may leave open.
 */
dispatch(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${messageOf(err)}\n`);
    if (!(err instanceof CliError) && process.env.PULUMI_STANDIN_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exit(err instanceof CliError ? err.exitCode : 255);
  },
);
