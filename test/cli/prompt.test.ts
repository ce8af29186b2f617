import { PassThrough, Readable } from "node:stream";
import type { Io } from "../../cli/io";
import { confirmBySlug, confirmYesNo } from "../../cli/prompt";
import { UsageError } from "../../cli/errors";

function io(interactive: boolean, input: string): { io: Io; err: () => string } {
  const stderr = new PassThrough();
  let text = "";
  stderr.on("data", (d: Buffer) => (text += d.toString()));
  return {
    io: {
      stdout: new PassThrough(),
      stderr,
      stdin: Readable.from([input]),
      interactive,
      env: {},
      cwd: "/",
      onInterrupt: () => () => undefined,
      now: () => new Date(),
    },
    err: () => text,
  };
}

const ask = {
  slug: "acme",
  what: "teardown of acme",
  warning: "This destroys tenant acme",
  command: "tenantctl teardown tenant acme",
};

describe("typed slug confirmation", () => {
  it("proceeds when the slug is typed", async () => {
    const t = io(true, "acme\n");
    await expect(confirmBySlug(t.io, { ...ask, yes: false })).resolves.toBeUndefined();
    expect(t.err()).toMatch(/^This destroys tenant acme\.\n.*Type the tenant slug \(acme\) to confirm/);
  });

  it('names what is typed and reads as a sentence (issue 12: "This destroys … needs confirmation")', async () => {
    const shared = {
      slug: "dev",
      what: "shared down of env dev",
      warning: "This destroys the shared layer of env dev",
      label: "env name",
      command: "tenantctl shared down --env dev",
    };
    await expect(confirmBySlug(io(false, "").io, { ...shared, yes: false })).rejects.toThrow(
      /^shared down of env dev needs confirmation, and there is no terminal to ask on \(allowed: tenantctl shared down --env dev --yes\)$/,
    );
    const t = io(true, "dev\n");
    await confirmBySlug(t.io, { ...shared, yes: false });
    expect(t.err()).toMatch(/^This destroys the shared layer of env dev\.\n.*Type the env name \(dev\) to confirm: /);
  });

  it("refuses anything else with a usage error that changes nothing", async () => {
    await expect(confirmBySlug(io(true, "acm\n").io, { ...ask, yes: false })).rejects.toThrow(
      /typed "acm", expected "acme"; nothing was changed/,
    );
    await expect(confirmBySlug(io(true, "").io, { ...ask, yes: false })).rejects.toThrow(UsageError);
  });

  it("refuses without a terminal unless --yes, and --yes never asks", async () => {
    await expect(confirmBySlug(io(false, "acme\n").io, { ...ask, yes: false })).rejects.toThrow(
      /no terminal to ask on \(allowed: tenantctl teardown tenant acme --yes\)/,
    );
    const t = io(false, "");
    await expect(confirmBySlug(t.io, { ...ask, yes: true })).resolves.toBeUndefined();
    expect(t.err()).toBe("");
  });
});

describe("yes/no confirmation", () => {
  it("accepts y/yes on a terminal, declines anything else, and does not ask without one", async () => {
    await expect(confirmYesNo(io(true, "y\n").io, "Go?", false)).resolves.toBe(true);
    await expect(confirmYesNo(io(true, "no\n").io, "Go?", false)).resolves.toBe(false);
    await expect(confirmYesNo(io(false, "").io, "Go?", false)).resolves.toBe(true);
  });
});
