import type { Skin } from "../config";
import type { ItemPage } from "../items/repository";
import { CONDITIONS, type Item } from "../items/schema";

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for element content and quoted attributes alike; every dynamic value in the page goes through it. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

export interface PageModel {
  readonly skin: Skin;
  readonly page: ItemPage;
  readonly search: string | undefined;
  readonly cursor: string | undefined;
  /** A fresh key per rendered form: submitting the same form twice creates one item. */
  readonly formKey: string;
  readonly values?: Readonly<Record<string, string>>;
  readonly errors?: Readonly<Record<string, string>>;
  readonly notice?: string;
}

const money = (cents: number | null): string => (cents === null ? "" : `$${(cents / 100).toFixed(2)}`);
const initial = (name: string): string => Array.from(name.trim())[0]?.toUpperCase() ?? "?";
const conditionLabel = (c: string): string => c.replace("_", " ");

function itemCard(item: Item): string {
  const facts: [string, string][] = [
    ["Style", item.styleNumber ?? ""],
    ["Birthday", item.birthday ?? ""],
    ["Tag gen", item.tagGeneration === null ? "" : String(item.tagGeneration)],
    ["Acquired", item.acquiredOn ?? ""],
    ["Paid", money(item.pricePaidCents)],
  ];
  const photo =
    item.photoUrl === null
      ? `<div class="photo none" aria-hidden="true">${escapeHtml(initial(item.name))}</div>`
      : `<img class="photo" src="${escapeHtml(item.photoUrl)}" alt="" loading="lazy" referrerpolicy="no-referrer">`;
  return `<li class="card" data-item-id="${item.id}">
  ${photo}
  <div class="body">
    <h3>${escapeHtml(item.name)} <span class="badge">${escapeHtml(conditionLabel(item.condition))}</span></h3>
    <dl>${facts
      .filter(([, v]) => v !== "")
      .map(([k, v]) => `<div><dt>${k}</dt><dd>${escapeHtml(v)}</dd></div>`)
      .join("")}</dl>
    ${item.notes === null ? "" : `<p class="notes">${escapeHtml(item.notes)}</p>`}
  </div>
</li>`;
}

function field(m: PageModel, name: string, label: string, input: string): string {
  const error = m.errors?.[name];
  return `<label class="field${error === undefined ? "" : " invalid"}"><span>${label}</span>${input}${error === undefined ? "" : `<em class="error" id="err-${name}">${escapeHtml(error)}</em>`}</label>`;
}

const textInput = (m: PageModel, name: string, attrs = ""): string =>
  `<input name="${name}" value="${escapeHtml(m.values?.[name] ?? "")}" ${attrs}>`;

function addForm(m: PageModel): string {
  const chosen = m.values?.["condition"] ?? "mint";
  const options = CONDITIONS.map(
    (c) => `<option value="${c}"${c === chosen ? " selected" : ""}>${conditionLabel(c)}</option>`,
  ).join("");
  return `<form class="add" method="post" action="/items" aria-label="Add a Beanie">
  <h2>Add a Beanie</h2>
  <input type="hidden" name="formKey" value="${escapeHtml(m.formKey)}">
  ${field(m, "name", "Name", textInput(m, "name", 'required maxlength="200" placeholder="Peanut the Elephant"'))}
  <div class="row">
    ${field(m, "styleNumber", "Style number", textInput(m, "styleNumber", 'inputmode="numeric" placeholder="4062"'))}
    ${field(m, "tagGeneration", "Tag generation", textInput(m, "tagGeneration", 'type="number" min="1" max="20"'))}
  </div>
  <div class="row">
    ${field(m, "birthday", "Birthday", textInput(m, "birthday", 'type="date"'))}
    ${field(m, "acquiredOn", "Acquired on", textInput(m, "acquiredOn", 'type="date"'))}
  </div>
  <div class="row">
    ${field(m, "condition", "Condition", `<select name="condition">${options}</select>`)}
    ${field(m, "pricePaid", "Price paid ($)", textInput(m, "pricePaid", 'inputmode="decimal" placeholder="12.50"'))}
  </div>
  ${field(m, "photoUrl", "Photo URL", textInput(m, "photoUrl", 'type="url" placeholder="https://…"'))}
  ${field(m, "notes", "Notes", `<textarea name="notes" rows="3" maxlength="2000">${escapeHtml(m.values?.["notes"] ?? "")}</textarea>`)}
  ${field(m, "token", "Admin token", '<input name="token" type="password" required autocomplete="current-password">')}
  <button type="submit">Add to collection</button>
</form>`;
}

function pager(m: PageModel): string {
  const q = m.search === undefined || m.search === "" ? "" : `q=${encodeURIComponent(m.search)}&`;
  const links = [
    m.cursor === undefined ? "" : `<a href="/?${q.replace(/&$/, "")}">« First page</a>`,
    m.page.nextCursor === null
      ? ""
      : `<a rel="next" href="/?${q}cursor=${encodeURIComponent(m.page.nextCursor)}">Next page »</a>`,
  ].filter((l) => l !== "");
  return links.length === 0 ? "" : `<nav class="pager">${links.join("")}</nav>`;
}

/** The tenant's whole page: skin, search, the collection with paging, and the no-JavaScript add form. */
export function renderPage(m: PageModel): string {
  const { skin } = m;
  const logo =
    skin.logoUrl === undefined
      ? ""
      : `<img class="logo" src="${escapeHtml(skin.logoUrl)}" alt="" referrerpolicy="no-referrer">`;
  const list =
    m.page.items.length === 0
      ? `<p class="empty">${m.search ? "No Beanies match that search." : "No Beanies yet — add the first one."}</p>`
      : `<ul class="cards">${m.page.items.map(itemCard).join("\n")}</ul>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(skin.displayName)} · Beanie collection</title>
<style>${stylesheet(skin.primaryColor)}</style>
</head>
<body>
<header class="top">${logo}<div><h1>${escapeHtml(skin.displayName)}</h1><p>Beanie Babies collection</p></div></header>
<main>
  <section class="collection" aria-label="Collection">
    ${m.notice === undefined ? "" : `<p class="notice" role="status">${escapeHtml(m.notice)}</p>`}
    <form class="search" method="get" action="/"><input name="q" type="search" placeholder="Search name, notes or style number" value="${escapeHtml(m.search ?? "")}"><button type="submit">Search</button></form>
    <p class="count"><strong id="total">${m.page.total}</strong> ${m.page.total === 1 ? "Beanie" : "Beanies"}</p>
    ${list}
    ${pager(m)}
  </section>
  <aside>${addForm(m)}</aside>
</main>
</body>
</html>`;
}

// `primary` is validated as #rrggbb by the config schema, so it is safe inside CSS.
function stylesheet(primary: string): string {
  return `:root{--primary:${primary};--ink:#1f2430;--muted:#6b7280;--line:#e5e7eb;--bg:#f6f5fa}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
.top{display:flex;gap:16px;align-items:center;padding:20px 32px;background:var(--primary);color:#fff}
.top h1{margin:0;font-size:26px}.top p{margin:2px 0 0;opacity:.85}.logo{width:56px;height:56px;border-radius:12px;background:#fff;object-fit:contain;padding:4px}
main{display:grid;grid-template-columns:minmax(0,1fr) 340px;gap:24px;max-width:1180px;margin:24px auto;padding:0 24px}
@media (max-width:860px){main{grid-template-columns:1fr}}
.search{display:flex;gap:8px}.search input{flex:1}
input,select,textarea{width:100%;min-width:0;padding:8px 10px;border:1px solid var(--line);border-radius:8px;font:inherit;background:#fff}
button{padding:9px 16px;border:0;border-radius:8px;background:var(--primary);color:#fff;font:inherit;font-weight:600;cursor:pointer}
.count{color:var(--muted)}.cards{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:14px}
.card{display:flex;gap:12px;background:#fff;border:1px solid var(--line);border-left:4px solid var(--primary);border-radius:12px;padding:12px}
.photo{width:64px;height:64px;border-radius:10px;object-fit:cover;flex:none;background:var(--bg)}.photo.none{display:grid;place-items:center;font-size:28px;font-weight:700;color:#fff;background:var(--primary);opacity:.85}
.card h3{margin:0 0 4px;font-size:16px;overflow-wrap:anywhere}.badge{font-size:11px;font-weight:600;text-transform:uppercase;color:var(--primary);border:1px solid var(--primary);border-radius:99px;padding:1px 7px;vertical-align:middle}
dl{display:flex;flex-wrap:wrap;gap:2px 12px;margin:0;font-size:13px}dl div{display:flex;gap:4px}dt{color:var(--muted)}dd{margin:0}
.notes{margin:6px 0 0;font-size:13px;color:var(--muted);overflow-wrap:anywhere}
.add{background:#fff;border:1px solid var(--line);border-radius:12px;padding:16px;position:sticky;top:16px}.add h2{margin:0 0 10px;font-size:18px}
.field{display:block;margin-bottom:10px}.field span{display:block;font-size:13px;color:var(--muted);margin-bottom:3px}
.row{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:10px}.invalid input,.invalid select,.invalid textarea{border-color:#c62828}
.error{display:block;color:#c62828;font-size:12px;font-style:normal;margin-top:2px}.add button{width:100%}
.notice{background:#fff;border-left:4px solid var(--primary);padding:8px 12px;border-radius:8px}
.pager{display:flex;gap:16px}.pager a{color:var(--primary);font-weight:600}.empty{color:var(--muted)}`;
}
