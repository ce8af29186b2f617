// The sticky comment script runs only inside GitHub; here it gets a fake Octokit that records what it was asked.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface Comment {
  id: number;
  body: string;
  user: { type: string; login: string };
}
interface StickyModule {
  upsertStickyComment(args: {
    github: unknown;
    context: unknown;
    marker: string;
    bodyPath?: string;
    body?: string;
    author?: string;
  }): Promise<{ action: string; id: number }>;
  MAX_BODY: number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS that actions/github-script requires
const sticky = require("../../.github/scripts/sticky-comment.js") as StickyModule;

function fakeGitHub(existing: Comment[]) {
  const calls: { op: string; args: Record<string, unknown> }[] = [];
  const listComments = (args: Record<string, unknown>) => ({ args });
  const github = {
    paginate: async (fn: unknown, args: Record<string, unknown>) => {
      expect(fn).toBe(listComments);
      calls.push({ op: "list", args });
      return existing;
    },
    rest: {
      issues: {
        listComments,
        updateComment: async (args: Record<string, unknown>) => {
          calls.push({ op: "update", args });
        },
        createComment: async (args: Record<string, unknown>) => {
          calls.push({ op: "create", args });
          return { data: { id: 99 } };
        },
      },
    },
  };
  return { github, calls };
}

const BOT = { type: "Bot", login: "github-actions[bot]" };

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sticky-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const context = {
  repo: { owner: "acme", repo: "app" },
  payload: { pull_request: { number: 7 } },
  issue: { number: 7 },
};

describe("upsertStickyComment", () => {
  it("creates the comment, marked, when the pull request has none", async () => {
    const { github, calls } = fakeGitHub([{ id: 1, body: "LGTM", user: { type: "User", login: "alice" } }]);
    await expect(
      sticky.upsertStickyComment({ github, context, marker: "preview", body: "### Preview\n" }),
    ).resolves.toEqual({ action: "created", id: 99 });
    expect(calls.map((c) => c.op)).toEqual(["list", "create"]);
    expect(calls[1]?.args).toEqual({
      owner: "acme",
      repo: "app",
      issue_number: 7,
      body: "<!-- tenantctl:preview -->\n### Preview\n",
    });
  });

  it("edits our own marked comment in place instead of adding another", async () => {
    const { github, calls } = fakeGitHub([
      { id: 3, body: "<!-- tenantctl:infra-diff -->\nold diff", user: BOT },
      { id: 4, body: "<!-- tenantctl:preview -->\nold", user: BOT },
    ]);
    await expect(sticky.upsertStickyComment({ github, context, marker: "preview", body: "new" })).resolves.toEqual({
      action: "updated",
      id: 4,
    });
    expect(calls[1]).toEqual({
      op: "update",
      args: { owner: "acme", repo: "app", comment_id: 4, body: "<!-- tenantctl:preview -->\nnew" },
    });
  });

  it("ignores a person's comment that merely contains the marker", async () => {
    const { github, calls } = fakeGitHub([
      { id: 5, body: "<!-- tenantctl:preview -->\nfake", user: { type: "User", login: "alice" } },
    ]);
    await sticky.upsertStickyComment({ github, context, marker: "preview", body: "real" });
    expect(calls.map((c) => c.op)).toEqual(["list", "create"]);
  });

  it("ignores another bot's comment carrying our marker, and keeps to the author it is given", async () => {
    const quoted = {
      id: 6,
      body: "<!-- tenantctl:preview -->\nquoted by a review bot",
      user: { type: "Bot", login: "review-helper[bot]" },
    };
    const ours = { id: 8, body: "<!-- tenantctl:preview -->\nold", user: BOT };
    const { github, calls } = fakeGitHub([quoted, ours]);
    await expect(sticky.upsertStickyComment({ github, context, marker: "preview", body: "new" })).resolves.toEqual({
      action: "updated",
      id: 8,
    });
    expect(calls.filter((c) => c.op !== "list")).toEqual([
      { op: "update", args: expect.objectContaining({ comment_id: 8 }) },
    ]);

    const onlyTheirs = fakeGitHub([quoted]);
    await expect(
      sticky.upsertStickyComment({ github: onlyTheirs.github, context, marker: "preview", body: "new" }),
    ).resolves.toEqual({ action: "created", id: 99 });
    // A workflow commenting with a GitHub App's token owns that app's comments instead.
    const app = fakeGitHub([quoted]);
    await expect(
      sticky.upsertStickyComment({
        github: app.github,
        context,
        marker: "preview",
        body: "new",
        author: "review-helper[bot]",
      }),
    ).resolves.toEqual({ action: "updated", id: 6 });
  });

  it("does not take a person's account named like the bot for the bot", async () => {
    const { github, calls } = fakeGitHub([
      { id: 9, body: "<!-- tenantctl:preview -->\nfake", user: { type: "User", login: "github-actions[bot]" } },
    ]);
    await sticky.upsertStickyComment({ github, context, marker: "preview", body: "real" });
    expect(calls.map((c) => c.op)).toEqual(["list", "create"]);
  });

  it("reads the body from the file the CLI wrote, and cuts one too long for GitHub", async () => {
    const path = join(dir, "comment.md");
    writeFileSync(path, "x".repeat(sticky.MAX_BODY + 10));
    const { github, calls } = fakeGitHub([]);
    await sticky.upsertStickyComment({ github, context, marker: "infra-diff", bodyPath: path });
    const body = String(calls[1]?.args["body"]);
    expect(body.length).toBeLessThanOrEqual(sticky.MAX_BODY);
    expect(body).toMatch(
      /^<!-- tenantctl:infra-diff -->\nx+\n\n… \(truncated; the full output is in the workflow log\)\n$/,
    );
  });

  it("refuses an empty body and a marker that could break out of the HTML comment", async () => {
    const empty = join(dir, "empty.md");
    writeFileSync(empty, "\n");
    const { github } = fakeGitHub([]);
    await expect(sticky.upsertStickyComment({ github, context, marker: "preview", bodyPath: empty })).rejects.toThrow(
      /nothing to post/,
    );
    await expect(sticky.upsertStickyComment({ github, context, marker: "x -->", body: "b" })).rejects.toThrow(/marker/);
    await expect(
      sticky.upsertStickyComment({
        github,
        context: { ...context, payload: {}, issue: {} },
        marker: "preview",
        body: "b",
      }),
    ).rejects.toThrow(/no pull request/);
  });
});
