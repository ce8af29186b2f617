// One pull-request comment per marker, edited in place on every run, so a busy PR carries one current
// preview link and one current infra diff instead of a comment per push. Runs inside actions/github-script,
// which hands over an authenticated Octokit (`github`) and the event (`context`).
"use strict";
const { readFileSync } = require("node:fs");

// GitHub rejects comment bodies over 65,536 characters; a large infra diff must still leave a readable comment.
const MAX_BODY = 65000;

/** @param {string} marker */
function markerLine(marker) {
  if (!/^[a-z0-9-]+$/.test(marker)) {
    throw new Error(`sticky comment marker "${marker}" must be lowercase letters, digits and hyphens`);
  }
  return `<!-- tenantctl:${marker} -->`;
}

/**
 * @param {string} marker
 * @param {string} text
 */
function composeBody(marker, text) {
  const head = `${markerLine(marker)}\n`;
  const room = MAX_BODY - head.length;
  const trimmed =
    text.length > room
      ? `${text.slice(0, room - 80)}\n\n… (truncated; the full output is in the workflow log)\n`
      : text;
  return head + trimmed;
}

/** The account GITHUB_TOKEN posts as; a workflow that comments with a GitHub App's token passes that app's bot login. */
const DEFAULT_AUTHOR = "github-actions[bot]";

/**
 * @param {{ github: any, context: any, marker: string, bodyPath?: string, body?: string, author?: string }} args
 * @returns {Promise<{ action: "created" | "updated", id: number }>}
 */
async function upsertStickyComment({ github, context, marker, bodyPath, body, author = DEFAULT_AUTHOR }) {
  const issueNumber = context.payload.pull_request?.number ?? context.issue?.number;
  if (typeof issueNumber !== "number") {
    throw new Error("sticky comment: this event carries no pull request number");
  }
  const text = body ?? (bodyPath ? readFileSync(bodyPath, "utf8") : undefined);
  if (text === undefined || text.trim() === "") {
    throw new Error(`sticky comment: nothing to post (body file ${bodyPath ?? "(none)"} is empty)`);
  }
  const fullBody = composeBody(marker, text);
  const { owner, repo } = context.repo;
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const tag = markerLine(marker);
  // Only the comments this workflow's token wrote count: anyone (a person, or another app's bot such as a review
  // bot quoting ours) can paste the marker into a comment of theirs, and we would overwrite or follow it.
  const mine = comments.find(
    (c) => typeof c.body === "string" && c.body.startsWith(tag) && c.user?.type === "Bot" && c.user?.login === author,
  );
  if (mine) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body: fullBody });
    return { action: "updated", id: mine.id };
  }
  const created = await github.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body: fullBody });
  return { action: "created", id: created.data.id };
}

module.exports = { upsertStickyComment, composeBody, markerLine, MAX_BODY, DEFAULT_AUTHOR };
