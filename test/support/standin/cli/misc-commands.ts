import * as os from "node:os";
import { StackLock } from "../backend/locks";
import { backendRoot, loadProject } from "../backend/project";
import type { ParsedArgs } from "./args";
import { expectArgs } from "./args";
import { Context, print, printJson } from "./context";

/** For the DIY backend the user is the OS user and the URL the backend's. */
export async function whoami(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "whoami");
  let project;
  try {
    project = loadProject(process.cwd());
  } catch {
    project = undefined;
  }
  const { url } = backendRoot(project);
  const user = os.userInfo().username;
  if (args.bool("json")) printJson({ user, organizations: [], url });
  else print(user);
  return 0;
}

/** `cancel`: on the DIY backend this deletes the stack's lock files, leaving state as it is. */
export async function cancel(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 1, "cancel");
  const ctx = Context.load();
  const ref = ctx.existingStack(args, args.positionals[0]);
  StackLock.removeAll(ctx.store, ref);
  print(`The currently running update for '${ctx.displayName(ref)}' has been canceled!`);
  return 0;
}
