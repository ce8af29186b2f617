"use strict";
// jest's default order runs the slowest files first when it has their timings from an earlier run (its cache), and
// otherwise the biggest files first. A fresh clone (CI) has no timings, and the slowest files here are short ones that
// drive the CLI through the stand-in; started last, one of them keeps a single worker busy while the others idle. So
// files without timings go end-to-end kinds first, then jest's own order.
const Sequencer = require("@jest/test-sequencer").default;

const SLOW_KINDS = [
  /\.e2e\.test\.ts$/,
  /\/test\/cli\/(e2e-|pulumi-by-hand)/,
  /\/test\/(fleet|preview-cli|standin|task-run)\//,
  /\/app\/test\//,
];

const slowRank = (path) => {
  const i = SLOW_KINDS.findIndex((re) => re.test(path));
  return i === -1 ? SLOW_KINDS.length : i;
};

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const timed = sorted.filter((t) => t.duration != null);
    const untimed = sorted.filter((t) => t.duration == null);
    // Array.prototype.sort is stable: within a rank, jest's order (failed first, then size) stays.
    untimed.sort((a, b) => slowRank(a.path) - slowRank(b.path));
    return [...untimed, ...timed];
  }
}

module.exports = SlowFirstSequencer;
