/**
 * The runner: builds the command tree, parses argv, and turns every outcome into an exit code.
 * cli/main.ts is the only caller that exits; tests call runCli in-process with their own Io.
 */
import { Command, CommanderError } from "commander";
import { buildProgram } from "./program";
import { CliError, ExitCode, UsageError, type ExitCodeValue } from "./errors";
import type { Io } from "./io";
import { knownPrerequisiteFailure } from "./orchestration/passphrase-error";

function applyRecursively(command: Command, io: Io): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
    // Commander already prefixes "error:"; its "(Did you mean …?)" suggestion joins the same line.
    outputError: (text, write) => write(`${text.trim().replace(/\n+/g, " ")}\n`),
  });
  for (const sub of command.commands) applyRecursively(sub, io);
  // A verb without its noun (`tenantctl list`): one line naming what is allowed, not the whole help on stderr.
  if (command.parent !== null && command.commands.length > 0) {
    // With an action, commander hands an unknown noun to it instead of refusing it: refuse it here, in its words.
    command
      .allowExcessArguments(true)
      .allowUnknownOption(true)
      .action((_options: unknown, self: Command) => {
        const names = command.commands.map((c) => c.name());
        const given = self.args.find((a) => !a.startsWith("-")) ?? self.args[0];
        if (given?.startsWith("-") === true)
          throw new UsageError(`unknown option '${given}' (see ${commandPath(command)} --help)`);
        if (given === undefined)
          throw new UsageError(
            `"${commandPath(command)}" needs a subcommand (allowed: ${names.join(", ")}; see ${commandPath(command)} --help)`,
          );
        const near = names.find((n) => n.startsWith(given) || given.startsWith(n));
        throw new UsageError(
          `unknown command '${given}' (allowed: ${names.join(", ")})${near === undefined ? "" : ` (Did you mean ${near}?)`}`,
        );
      });
  }
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

function commanderExitCode(error: CommanderError): ExitCodeValue {
  if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return ExitCode.Ok;
  // `commander.help` with a non-zero code is help shown because a subcommand was missing: a usage error, as are
  // all other commander errors (unknown option, missing argument, bad choice).
  if (error.code === "commander.help" && error.exitCode === 0) return ExitCode.Ok;
  return ExitCode.Usage;
}

function writeError(io: Io, argv: readonly string[], error: CliError): void {
  io.stderr.write(`error: ${error.message}\n`);
  if (error.hint !== undefined) {
    for (const line of error.hint.split("\n")) io.stderr.write(`  ${line}\n`);
  }
  if (argv.includes("--json") && !error.resultPrinted) {
    const document = {
      error: {
        exitCode: error.exitCode,
        kind: error.name,
        message: error.message,
        hint: error.hint ?? null,
        ...error.details,
      },
    };
    io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }
}

export async function runCli(argv: readonly string[], io: Io): Promise<ExitCodeValue> {
  const program: Command = buildProgram(io);
  applyRecursively(program, io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return ExitCode.Ok;
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      const code = commanderExitCode(error);
      if (code !== ExitCode.Ok && argv.includes("--json")) {
        io.stdout.write(
          `${JSON.stringify({ error: { exitCode: code, kind: "UsageError", message: error.message.replace(/^error: /, "") } }, null, 2)}\n`,
        );
      }
      return code;
    }
    // An engine failure that escaped its operation still carries the translated error (run-engine.ts's EngineFailure).
    const translated = (error as { translated?: unknown } | undefined)?.translated;
    const known =
      error instanceof CliError
        ? error
        : translated instanceof CliError
          ? translated
          : knownPrerequisiteFailure(error, io.env);
    if (known !== undefined) {
      writeError(io, argv, known);
      return known.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`error: internal error: ${message}\n`);
    if (error instanceof Error && error.stack !== undefined && (io.env.TENANTCTL_DEBUG ?? "") !== "") {
      io.stderr.write(`${error.stack}\n`);
    } else {
      io.stderr.write("  this is a bug in tenantctl; rerun with TENANTCTL_DEBUG=1 for the stack trace and report it\n");
    }
    return ExitCode.Failed;
  }
}
