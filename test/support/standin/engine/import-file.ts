import * as fs from "node:fs";
import type { EventBody } from "./events";

interface ImportSpec {
  type: string;
  name: string;
  id?: string;
  parent?: string;
  provider?: string;
  component?: boolean;
  logicalName?: string;
}

const isDefaultProvider = (urn: string): boolean => /::pulumi:providers:[^:]+::default(_[0-9_a-z]+)?$/.test(urn);

/**
 * `preview --import-file`: every resource the preview would create becomes an import spec with the id
 * `<PLACEHOLDER>` (pkg/cmd/pulumi/operations/preview.go `buildImportFile`): the root stack and providers are left
 * out, parents other than the root stack and explicit providers are named through `nameTable`, a name already taken
 * gets the type appended (then a number) with `logicalName` keeping the original.
 */
export function writeImportFile(file: string, events: readonly EventBody[]): void {
  const fullName = new Map<string, string>();
  const taken = new Set<string>();
  const nameTable: Record<string, string> = {};
  const resources: ImportSpec[] = [];
  const importing = new Set<string>();
  for (const e of events) {
    const m = e.resourcePreEvent?.metadata;
    if (!m) continue;
    const urnName = m.urn.split("::").pop() ?? "";
    let name = urnName;
    if (taken.has(name)) {
      const typeName = m.type.split(":").pop() ?? "";
      const base = `${urnName}${typeName.charAt(0).toUpperCase()}${typeName.slice(1)}`;
      name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
    }
    fullName.set(m.urn, name);
    if (m.op !== "create" || m.type === "pulumi:pulumi:Stack") continue;
    importing.add(m.urn);
    if (m.type.startsWith("pulumi:providers:")) continue;
    taken.add(name);
    const spec: ImportSpec = { type: m.type, name };
    const parent = m.new?.parent;
    if (parent && !parent.split("::")[2]?.endsWith("pulumi:pulumi:Stack")) {
      spec.parent = fullName.get(parent) ?? parent.split("::").pop();
      if (spec.parent && !importing.has(parent)) nameTable[spec.parent] = parent;
    }
    const providerUrn = m.provider ? m.provider.split("::").slice(0, -1).join("::") : "";
    if (providerUrn && !isDefaultProvider(providerUrn)) {
      spec.provider = fullName.get(providerUrn) ?? providerUrn.split("::").pop();
      if (spec.provider) nameTable[spec.provider] = providerUrn;
    }
    if (m.new?.custom === false) spec.component = true;
    else spec.id = "<PLACEHOLDER>";
    if (name !== urnName) spec.logicalName = urnName;
    resources.push(spec);
  }
  fs.writeFileSync(file, `${JSON.stringify({ nameTable, resources }, null, 4)}\n`);
}
