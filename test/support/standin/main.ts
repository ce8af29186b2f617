/**
 * Entry of the stand-in `pulumi` (test/support/bin/pulumi): one command (commands.ts), then exit with its code; the
 * explicit exit also ends gRPC handles a failed operation may leave open.
 */
import { runStandin } from "./commands";

void runStandin(process.argv.slice(2)).then((code) => process.exit(code));
