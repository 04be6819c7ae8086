// Reads dynago Arrow files with the JavaScript apache-arrow package and
// prints, per file, one JSON line: the schema metadata, the number of rows,
// each column's name and type, and the first row's values. Used by
// TestJSInterop (lib/format) to show our files open in another Arrow
// implementation.
const fs = require("fs");
const { tableFromIPC } = require("apache-arrow");

for (const path of process.argv.slice(2)) {
  const table = tableFromIPC(fs.readFileSync(path));
  const meta = Object.fromEntries(table.schema.metadata);
  const columns = table.schema.fields.map((f) => ({ name: f.name, type: String(f.type) }));
  const first = {};
  if (table.numRows > 0) {
    for (const f of table.schema.fields) {
      let v = table.getChild(f.name).get(0);
      if (v !== null && typeof v === "object" && typeof v.toArray === "function") v = Array.from(v.toArray(), Number);
      if (typeof v === "bigint") v = Number(v);
      first[f.name] = v;
    }
  }
  console.log(JSON.stringify({ path, kind: meta.kind, rows: table.numRows, columns, first }));
}
