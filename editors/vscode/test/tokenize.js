// Loads the TextMate grammar with the same engine VS Code uses (vscode-textmate + the Oniguruma
// regex library compiled to WebAssembly), and gives the tokens of a text line by line.
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const ROOT = path.resolve(__dirname, '..');
const GRAMMAR = path.join(ROOT, 'syntaxes', 'datalex.tmLanguage.json');

let loading;

/** The grammar `source.datalex`, loaded once. */
function grammar() {
  if (loading === undefined) {
    loading = (async () => {
      const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
      await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
      const registry = new vsctm.Registry({
        onigLib: Promise.resolve({
          createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
          createOnigString: (text) => new oniguruma.OnigString(text),
        }),
        loadGrammar: async (scopeName) =>
          scopeName === 'source.datalex' ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null,
      });
      return registry.loadGrammar('source.datalex');
    })();
  }
  return loading;
}

/**
 * Tokenizes `text`. Returns one entry per line: { line, tokens: [{ start, end, text, scopes }],
 * state } where `state` is the rule stack after the line, and `problems`: lines the engine gave
 * up on (time limit, or vscode-textmate's "endless loop" complaint, which it prints with
 * console.error and then carries on).
 */
async function tokenize(text, initial) {
  const g = await grammar();
  const lines = text.split(/\r?\n/);
  const out = [];
  const problems = [];
  let state = initial ?? vsctm.INITIAL;
  const error = console.error;
  try {
    lines.forEach((line, i) => {
      console.error = (...args) => problems.push(`line ${i + 1}: ${args.join(' ')}`);
      const r = g.tokenizeLine(line, state, 1000);
      if (r.stoppedEarly) {
        problems.push(`line ${i + 1}: tokenizing stopped early (time limit)`);
      }
      state = r.ruleStack;
      out.push({
        line,
        tokens: r.tokens.map((t) => ({
          start: t.startIndex,
          end: Math.min(t.endIndex, line.length),
          text: line.slice(t.startIndex, t.endIndex),
          scopes: t.scopes,
        })),
        state,
      });
    });
  } finally {
    console.error = error;
  }
  return { lines: out, problems, state };
}

module.exports = { grammar, tokenize, INITIAL: vsctm.INITIAL, ROOT };
