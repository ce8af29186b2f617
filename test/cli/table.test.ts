import { terminalColumns } from "../../cli/io";
import { cut, renderTable, shortImage, shortTime } from "../../cli/table";

describe("renderTable", () => {
  it("pads every column to its widest cell and separates the head with a rule", () => {
    expect(
      renderTable(
        ["SLUG", "TIER"],
        [
          ["acme", "standard"],
          ["globex-corp", "basic"],
        ],
      ).split("\n"),
    ).toEqual(["SLUG         TIER", "-----------  --------", "acme         standard", "globex-corp  basic"]);
  });

  it("renders only the head for no rows", () => {
    expect(renderTable(["A", "BB"], [])).toBe("A  BB\n-  --");
  });

  it("cuts the shrinkable columns, widest first, to fit a width, keeping the chosen side of each cell", () => {
    const rows = [
      [
        "acme",
        "https://acme.dev.tenants.example.com",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:1.4.2",
      ],
    ];
    const fit = { maxWidth: 60, shrink: { 1: { keep: "start", min: 12 }, 2: { keep: "end", min: 16 } } } as const;
    const lines = renderTable(["SLUG", "URL", "IMAGE"], rows, fit).split("\n");
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60);
    expect(lines[2]).toMatch(/^acme {2}https:\/\/acme\.dev\.tenants.*…\s+….*tenantctl-app:1\.4\.2$/);
  });

  it("never cuts below a column's minimum (the table may then stay wider than asked)", () => {
    const out = renderTable(["A", "B"], [["x".repeat(30), "y".repeat(30)]], {
      maxWidth: 10,
      shrink: { 1: { keep: "start", min: 8 } },
    });
    expect(out.split("\n")[2]).toBe(`${"x".repeat(30)}  yyyyyyy…`);
  });

  it("shortens digests and times; leaves tags alone", () => {
    expect(shortImage(`r.example.com/app@sha256:${"ab".repeat(32)}`)).toBe("r.example.com/app@sha256:abababababab…");
    expect(shortImage("r.example.com/app:1.0.0")).toBe("r.example.com/app:1.0.0");
    expect(shortTime("2026-12-03T07:16:56.663Z")).toBe("2026-12-03 07:16Z");
    expect(cut("abcdef", 4, "end")).toBe("…def");
  });

  it("takes the width from COLUMNS, else from a terminal stdout; a pipe has no limit", () => {
    expect(terminalColumns({ COLUMNS: "80" }, { isTTY: false })).toBe(80);
    expect(terminalColumns({}, { isTTY: true, columns: 120 })).toBe(120);
    expect(terminalColumns({ COLUMNS: "wide" }, { isTTY: false })).toBeUndefined();
  });
});
