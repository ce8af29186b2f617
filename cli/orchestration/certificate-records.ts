/**
 * The DNS validation records of the shared stack's certificate, for an operator whose DNS is not in Route 53: ACM
 * issues the certificate only once they resolve, and the HTTPS listeners wait for that (docs/infra.md, "The
 * certificate"). `shared up` prints them as soon as the certificate exists, because the run then waits for ISSUED.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { renderTable } from "../table";

export interface ValidationRecord {
  readonly domainName: string;
  readonly name: string;
  readonly type: string;
  readonly value: string;
}

const CERTIFICATE = "aws:acm/certificate:Certificate";

function fromOptions(raw: unknown): ValidationRecord[] {
  if (!Array.isArray(raw)) return [];
  const seen = new Set<string>();
  return (raw as Record<string, unknown>[])
    .map((o) => ({
      domainName: String(o.domainName),
      name: String(o.resourceRecordName),
      type: String(o.resourceRecordType),
      value: String(o.resourceRecordValue),
    }))
    .filter((r) => r.name !== "undefined" && !seen.has(r.name) && (seen.add(r.name), true));
}

/** The records from a certificate's resOutputsEvent, when this event is one. */
export function recordsFromEvent(event: EngineEvent): ValidationRecord[] {
  const meta = event.resOutputsEvent?.metadata;
  if (meta === undefined || meta.type !== CERTIFICATE) return [];
  return fromOptions(meta.new?.outputs?.domainValidationOptions);
}

export function recordsTable(records: readonly ValidationRecord[]): string {
  return renderTable(
    ["domain", "record name", "type", "value"],
    records.map((r) => [r.domainName, r.name, r.type, r.value]),
  );
}

/** Prints the records once per run, with what the operator has to do. */
export function certificateRecordPrinter(
  write: (text: string) => void,
  hasZone: boolean,
): (event: EngineEvent) => void {
  let printed = false;
  return (event) => {
    if (printed || hasZone) return;
    const records = recordsFromEvent(event);
    if (records.length === 0) return;
    printed = true;
    write(
      "The certificate is waiting for DNS validation. Publish these records in the DNS of the base domain; ACM issues " +
        "the certificate once they resolve (minutes to an hour) and this run then creates the HTTPS listeners. It waits " +
        "up to 75 minutes; if it stops earlier, run the same `tenantctl shared up` again once the records are published.\n" +
        `${recordsTable(records)}\n`,
    );
  };
}
