import { stopIfOwnerGone } from "../command-state";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CliError } from "../errors";
import type { StackRef } from "./project";
import type { Store } from "./store";

interface LockContent {
  pid: number;
  username: string;
  hostname: string;
  timestamp: string;
}

/**
 * DIY backend stack locks: one `<uuid>.json` per holder. Like the real CLI, a lock is never considered stale: a killed
 * process leaves it behind until `pulumi cancel` removes it.
 */
export class StackLock {
  private constructor(private readonly file: string) {}

  /** Fails with the real CLI's text, which the SDK turns into ConcurrentUpdateError. */
  static checkUnlocked(store: Store, ref: StackRef): void {
    const dir = store.lockDir(ref);
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
    if (files.length === 0) return;
    let message =
      `the stack is currently locked by ${files.length} lock(s). Either wait for the other process(es) to end ` +
      "or delete the lock file with `pulumi cancel`.";
    for (const f of files) {
      const rel = path.relative(store.root, path.join(dir, f)).split(path.sep).join("/");
      try {
        const c = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as LockContent;
        message += `\n  ${store.url.replace(/\/$/, "")}/${rel}: created by ${c.username}@${c.hostname} (pid ${c.pid}) at ${c.timestamp}`;
      } catch {
        message += `\n  ${store.url.replace(/\/$/, "")}/${rel}: (unreadable lock file)`;
      }
    }
    throw new CliError(message);
  }

  /**
   * Writes our lock, then re-checks that it is the only one: two processes racing past checkUnlocked both see the
   * other's file and the later one (by name order) backs off, so at most one proceeds.
   */
  static acquire(store: Store, ref: StackRef): StackLock {
    StackLock.checkUnlocked(store, ref);
    const dir = store.lockDir(ref);
    fs.mkdirSync(dir, { recursive: true });
    const name = `${Date.now().toString().padStart(15, "0")}-${crypto.randomUUID()}.json`;
    const file = path.join(dir, name);
    const content: LockContent = {
      pid: process.pid,
      username: os.userInfo().username,
      hostname: os.hostname(),
      timestamp: new Date().toISOString(),
    };
    fs.writeFileSync(file, JSON.stringify(content));
    const others = fs.readdirSync(dir).filter((f) => f.endsWith(".json") && f !== name);
    if (others.some((f) => f < name)) {
      fs.rmSync(file, { force: true });
      StackLock.checkUnlocked(store, ref);
    }
    return new StackLock(file);
  }

  release(): void {
    stopIfOwnerGone();
    fs.rmSync(this.file, { force: true });
  }

  /** `pulumi cancel`: removes every lock of the stack. Returns how many there were. */
  static removeAll(store: Store, ref: StackRef): number {
    const dir = store.lockDir(ref);
    if (!fs.existsSync(dir)) return 0;
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json"));
    for (const f of files) fs.rmSync(path.join(dir, f), { force: true });
    return files.length;
  }
}
