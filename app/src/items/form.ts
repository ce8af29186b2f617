/**
 * Turns the page's url-encoded form into the API's create input. Browsers send every field as a string and
 * empty fields as "", so empties are dropped, numbers are parsed and the price is typed in dollars.
 */
export interface FormInput {
  readonly input: Record<string, unknown>;
  /** Problems only the form can have (an unparseable number); keyed by the form's field names. */
  readonly errors: Record<string, string>;
}

const TEXT_FIELDS = ["name", "styleNumber", "birthday", "condition", "acquiredOn", "notes", "photoUrl"] as const;

/** "12", "12.5", "12.50" → cents, exactly (no floating point). */
export function dollarsToCents(text: string): number | undefined {
  const m = /^\$?(\d{1,10})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (m === null) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
}

export function formToCreateInput(form: Readonly<Record<string, string | undefined>>): FormInput {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const key of TEXT_FIELDS) {
    const value = form[key];
    // Keep an empty name so the schema reports it as empty rather than as missing.
    if (value !== undefined && (value.trim() !== "" || key === "name")) input[key] = value;
  }
  const generation = form["tagGeneration"]?.trim();
  if (generation !== undefined && generation !== "") {
    if (/^\d{1,3}$/.test(generation)) input["tagGeneration"] = Number(generation);
    else errors["tagGeneration"] = "must be a whole number";
  }
  const price = form["pricePaid"]?.trim();
  if (price !== undefined && price !== "") {
    const cents = dollarsToCents(price);
    if (cents === undefined) errors["pricePaid"] = "must be an amount like 12.50";
    else input["pricePaidCents"] = cents;
  }
  return { input, errors };
}

/** Maps an API field error onto the form input that holds it. */
export const formFieldFor = (apiField: string): string => (apiField === "pricePaidCents" ? "pricePaid" : apiField);
