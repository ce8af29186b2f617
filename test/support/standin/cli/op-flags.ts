import type { FlagSpec } from "./args";

/** Flags up, preview, refresh and destroy share (pkg/cmd/pulumi/operations in pulumi 3.248). */
const COMMON: FlagSpec = {
  stack: "string",
  "config-file": "string",
  message: "string",
  "expect-no-changes": "bool",
  diff: "bool",
  target: "multi",
  exclude: "multi",
  "target-dependents": "bool",
  "exclude-dependents": "bool",
  parallel: "int",
  "exec-agent": "string",
  "exec-kind": "string",
  "event-log": "string",
  client: "string",
  "suppress-outputs": "bool",
  "suppress-progress": "bool",
  "suppress-permalink": "string",
  "show-full-output": "bool",
  "show-config": "bool",
  debug: "bool",
  "run-program": "bool",
  "show-secrets": "bool",
  "show-replacement-steps": "bool",
  "show-sames": "bool",
  json: "bool",
  "continue-on-error": "bool",
  neo: "bool",
  copilot: "bool",
};

/** `up`/`preview` only. */
const UPDATE: FlagSpec = {
  refresh: "bool",
  replace: "multi",
  "target-replace": "multi",
  "policy-pack": "multi",
  "policy-pack-config": "multi",
  config: "multi",
  "config-path": "bool",
  "show-reads": "bool",
  "show-policy-remediations": "bool",
  "attach-debugger": "bool",
  "secrets-provider": "string",
};

/**
 * The `--remote` flags exist only when PULUMI_EXPERIMENTAL is set, as in the real CLI (`deployment.RemoteSupported`);
 * the SDK sets it for remote workspaces and looks for `--remote` in `preview --help`.
 */
function remoteFlags(): FlagSpec {
  const v = process.env.PULUMI_EXPERIMENTAL ?? "";
  if (!["1", "t", "T", "true", "TRUE", "True"].includes(v)) return {};
  return {
    remote: "bool",
    "suppress-stream-logs": "bool",
    "remote-inherit-settings": "bool",
    "remote-env": "multi",
    "remote-env-secret": "multi",
    "remote-pre-run-command": "multi",
    "remote-skip-install-dependencies": "bool",
    "remote-git-branch": "string",
    "remote-git-commit": "string",
    "remote-git-repo-dir": "string",
    "remote-git-auth-access-token": "string",
    "remote-git-auth-ssh-private-key": "string",
    "remote-git-auth-ssh-private-key-path": "string",
    "remote-git-auth-password": "string",
    "remote-git-auth-username": "string",
    "remote-executor-image": "string",
    "remote-executor-image-username": "string",
    "remote-executor-image-password": "string",
    "remote-agent-pool-id": "string",
  };
}

export function opFlags(kind: "up" | "preview" | "refresh" | "destroy"): FlagSpec {
  switch (kind) {
    case "up":
      return { ...COMMON, ...UPDATE, ...remoteFlags(), yes: "bool", "skip-preview": "bool", plan: "string" };
    case "preview":
      return { ...COMMON, ...UPDATE, ...remoteFlags(), "save-plan": "string", "import-file": "string" };
    case "refresh":
      return {
        ...COMMON,
        ...remoteFlags(),
        yes: "bool",
        "skip-preview": "bool",
        "preview-only": "bool",
        "clear-pending-creates": "bool",
        "import-pending-creates": "multi",
        "skip-pending-creates": "bool",
      };
    case "destroy":
      return {
        ...COMMON,
        ...remoteFlags(),
        refresh: "bool",
        yes: "bool",
        "skip-preview": "bool",
        "preview-only": "bool",
        "exclude-protected": "bool",
        remove: "bool",
        config: "multi",
        "config-path": "bool",
      };
  }
}

/**
 * Flags the real CLI has and the stand-in does not implement, each with what the real CLI does and why the
 * stand-in cannot (docs/standin.md has the table). Passing one fails instead of being ignored.
 */
export const UNSUPPORTED_OP_FLAGS: Record<string, string> = {
  "target-replace": "replaces one resource and targets it",
};
