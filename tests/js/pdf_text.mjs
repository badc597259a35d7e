// Text of PDFs as pdf.js (Firefox's PDF viewer, pdfjs-dist) extracts it: what its find bar searches
// and what copying from its text layer gives. No ActualText (pdf.js ignores it), no composing.
//
//   node tests/js/pdf_text.mjs FILE.pdf [FILE.pdf ...]
//
// Prints one JSON array: per file, the text of each page (items joined as pdf.js's text layer
// lays them out: an item that ends a line is followed by "\n").
import { readFile } from "node:fs/promises";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

async function pagesOf(path) {
  const data = new Uint8Array(await readFile(path));
  const pdf = await getDocument({ data, verbosity: 0, isEvalSupported: false, useSystemFonts: false }).promise;
  const pages = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const content = await page.getTextContent();
    pages.push(content.items.map((item) => item.str + (item.hasEOL ? "\n" : "")).join(""));
    page.cleanup();
  }
  await pdf.destroy();
  return pages;
}

const results = [];
for (const path of process.argv.slice(2)) {
  results.push(await pagesOf(path));
}
process.stdout.write(JSON.stringify(results));
