// csv.js - a small RFC 4180 reader for the import preview: records with the file line
// each starts on (the server reports errors by that line number).
export function parseCsv(text, maxRecords = Infinity) {
  const out = [];
  let i = 0, line = 1;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  const n = text.length;
  while (i < n && out.length < maxRecords) {
    const startLine = line;
    const fields = [];
    let field = '', quoted = false, done = false;
    while (i < n && !done) {
      const c = text[i];
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          quoted = false; i++; continue;
        }
        if (c === '\n') line++;
        field += c; i++; continue;
      }
      if (c === '"' && field === '') { quoted = true; i++; continue; }
      if (c === ',') { fields.push(field); field = ''; i++; continue; }
      if (c === '\r' && text[i + 1] === '\n') { i++; continue; }
      if (c === '\n') { line++; i++; done = true; continue; }
      field += c; i++;
    }
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: startLine, fields });
  }
  return out;
}

export function countLines(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return text.length && text[text.length - 1] !== '\n' ? n + 1 : n;
}
