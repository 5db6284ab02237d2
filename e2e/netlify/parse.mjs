// Reads the cases of a JSON file (argv[2]: [{kind, text, toml, paths}]), parses
// each with @netlify/headers-parser as Netlify's build does (a _headers
// file, or netlify.toml), and prints one JSON line: the package versions,
// then for each case its rules (for, values, and which of its paths each
// rule's forRegExp matches), for each path the headers the matching rules
// give it as netlify-cli merges them, and its error messages.
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAllHeaders } from '@netlify/headers-parser'

const here = new URL('.', import.meta.url).pathname
const version = (name) => JSON.parse(readFileSync(join(here, 'node_modules', name, 'package.json'), 'utf8')).version

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const dir = mkdtempSync(join(tmpdir(), 'netlify-headers-'))
const out = []
try {
  for (const [i, c] of cases.entries()) {
    const file = join(dir, c.kind === 'toml' ? `netlify-${i}.toml` : `_headers-${i}`)
    writeFileSync(file, c.text)
    const opts = c.kind === 'toml' ? { netlifyConfigPath: file } : { headersFiles: [file] }
    if (c.kind === 'both') {
      // A site with both files: _headers (text) and netlify.toml (toml).
      opts.netlifyConfigPath = join(dir, `netlify-${i}.toml`)
      writeFileSync(opts.netlifyConfigPath, c.toml)
    }
    const { headers, errors } = await parseAllHeaders({ ...opts, minimal: false })
    out.push({
      rules: headers.map((h) => ({ for: h.for, values: h.values, matches: (c.paths || []).map((p) => h.forRegExp.test(p)) })),
      // netlify-cli's headersForPath: the matching rules' values merged with Object.assign.
      merged: (c.paths || []).map((p) => Object.entries(Object.assign({}, ...headers.filter((h) => h.forRegExp.test(p)).map((h) => h.values)))),
      errors: errors.map((e) => e.message),
    })
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
const versions = { '@netlify/headers-parser': version('@netlify/headers-parser'), '@iarna/toml': version('@iarna/toml') }
process.stdout.write(JSON.stringify({ versions, results: out }) + '\n')
