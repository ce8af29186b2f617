import { renderTable } from "../../cli/table";

describe("renderTable", () => {
  it("pads every column to its widest cell and separates the head with a rule", () => {
    expect(renderTable(["SLUG", "TIER"], [["acme", "standard"], ["globex-corp", "basic"]]).split("\n")).toEqual([
      "SLUG         TIER",
      "-----------  --------",
      "acme         standard",
      "globex-corp  basic",
    ]);
  });

  it("renders only the head for no rows", () => {
    expect(renderTable(["A", "BB"], [])).toBe("A  BB\n-  --");
  });
});
