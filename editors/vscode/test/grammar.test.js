// Checks syntaxes/datalex.tmLanguage.json against the language, so that it cannot silently rot:
// every policy file of the repository, the prelude and every ```dlx example of docs/ is tokenized
// as VS Code would, and
//   - no line makes the engine give up, and no token is scoped `invalid`;
//   - strings and comments are exactly where the parser's own lexer (lang::parser::classify,
//     ported below) puts them, so Chinese article text never leaks into code or back;
//   - every item starts afresh where the parser's split_items starts one, so a broken or
//     unusual item never colours the rest of the file;
//   - every keyword of lang/src/grammar.pest is scoped as a keyword somewhere, no word that is
//     not in grammar.pest is, and every reserved word (the `reserved` rule) is scoped as a keyword
//     wherever it occurs in code.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { tokenize, INITIAL, ROOT } = require('./tokenize');

const REPO = path.resolve(ROOT, '..', '..');
const PEST = path.join(REPO, 'lang', 'src', 'grammar.pest');
const PARSER = path.join(REPO, 'lang', 'src', 'parser.rs');

// A scope that a theme shows as a keyword: keyword.*, storage.type/modifier.* (declarations),
// constant.language.* (true/false, severities, statuses).
const KEYWORD_SCOPE = /^(keyword|storage|constant\.language)\./;
const isKeyword = (token) => token.scopes.some((s) => KEYWORD_SCOPE.test(s));

// ---------------------------------------------------------------------------------------------
// What the language says

/** The rules of grammar.pest, comments removed: name -> body. */
function pestRules() {
  // Comments out, string literals kept (`COMMENT = _{ "//" ~ … }` has `//` in a literal).
  const text = fs
    .readFileSync(PEST, 'utf8')
    .replace(/"(?:[^"\\\n]|\\.)*"|\/\/[^\n]*/g, (m) => (m.startsWith('"') ? m : ''));
  const rules = new Map();
  for (const m of text.matchAll(/^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*[_@$!]?\{([\s\S]*?)\}\s*$(?=\s*(?:^[a-zA-Z_]\w*\s*=|$(?![\s\S])))/gm)) {
    rules.set(m[1], m[2]);
  }
  const defined = text.match(/^[a-zA-Z_]\w*\s*=/gm) || [];
  assert.equal(rules.size, defined.length, 'grammar.pest has rules this test could not read');
  return rules;
}

/** Every word literal of grammar.pest (`"rule"`, `"not_encoded"`), except inside strings' escapes. */
function pestKeywords() {
  const words = new Set();
  for (const [name, body] of pestRules()) {
    if (name === 'str_inner') continue; // `"n"` there is the escape \n, not a word
    // `keyword` reads the words of `reserved` grouped by their first letter (`"d" ~ ("ays" | …)`,
    // in the silent rule `keyword_word`, which `ident` also reads past): their literals are
    // pieces of words; `reserved` has them whole.
    if (name === 'keyword' || name === 'keyword_word') continue;
    for (const m of body.matchAll(/"([a-z][a-z_]*)"/g)) words.add(m[1]);
  }
  return words;
}

/** The words of the `reserved` rule (which `keyword` reads): never names. */
function reservedWords() {
  const body = pestRules().get('reserved');
  assert.ok(body, 'grammar.pest has no `reserved` rule');
  return new Set([...body.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]));
}

/** The parser's ITEM_KEYWORDS. */
function itemKeywords() {
  const text = fs.readFileSync(PARSER, 'utf8');
  const m = text.match(/ITEM_KEYWORDS:\s*&\[&str\]\s*=\s*&\[([\s\S]*?)\];/);
  assert.ok(m, 'ITEM_KEYWORDS not found in lang/src/parser.rs');
  return [...m[1].matchAll(/"([a-z_]+)"/g)].map((x) => x[1]);
}

/** lang::parser::classify: 'code', 'str' or 'comment' for every UTF-16 unit of `text`. */
function classify(text) {
  const kinds = new Array(text.length);
  let state = 'code';
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (state === 'comment') {
      if (c === '\n') state = 'code';
      kinds[i] = state;
    } else if (state === 'str') {
      kinds[i] = 'str';
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') state = 'code';
      else if (c === '\n') {
        state = 'code';
        kinds[i] = 'code';
      }
    } else if (c === '"') {
      state = 'str';
      kinds[i] = 'str';
    } else if (c === '/' && text[i + 1] === '/') {
      state = 'comment';
      kinds[i] = 'comment';
    } else {
      kinds[i] = 'code';
    }
  }
  return kinds;
}

/** lang::parser::split_items: the (zero-based) lines where an item starts, the first excepted. */
function itemStartLines(text, keywords) {
  const kinds = classify(text);
  const starts = [];
  let depth = 0;
  let offset = 0;
  text.split('\n').forEach((line, n) => {
    const trimmed = line.replace(/^[ \t\u3000\uFEFF]+/, '');
    const column0 = trimmed.length === line.length;
    const word = (trimmed.match(/^[\p{L}\p{N}_]*/u) || [''])[0];
    if (offset > 0 && keywords.includes(word) && (depth <= 0 || (column0 && word !== 'exception'))) {
      starts.push(n);
      depth = 0;
    }
    for (let i = 0; i < line.length; i++) {
      if (kinds[offset + i] !== 'code') continue;
      if (line[i] === '{' || line[i] === '[') depth++;
      if (line[i] === '}' || line[i] === ']') depth--;
    }
    offset += line.length + 1;
  });
  return starts;
}

// ---------------------------------------------------------------------------------------------
// The corpus: policies/, stdlib/, and the examples of docs/

function walk(dir, ext) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return walk(p, ext);
      return e.name.endsWith(ext) ? [p] : [];
    });
}

function corpus() {
  const files = [...walk(path.join(REPO, 'policies'), '.dlx'), ...walk(path.join(REPO, 'stdlib'), '.dlx')].map(
    (p) => ({ name: path.relative(REPO, p), text: fs.readFileSync(p, 'utf8') }),
  );
  for (const md of walk(path.join(REPO, 'docs'), '.md')) {
    const text = fs.readFileSync(md, 'utf8');
    let n = 0;
    for (const m of text.matchAll(/^```dlx[^\n]*\n([\s\S]*?)^```/gm)) {
      n++;
      files.push({ name: `${path.relative(REPO, md)} example ${n}`, text: m[1] });
    }
  }
  return files;
}

const FILES = corpus();
const PEST_KEYWORDS = pestKeywords();
const RESERVED = reservedWords();
const ITEM_KEYWORDS = itemKeywords();

const sameTokens = (a, b) =>
  a.length === b.length &&
  a.every((t, i) => t.start === b[i].start && t.end === b[i].end && t.scopes.join(' ') === b[i].scopes.join(' '));

const describeToken = (t) => `${JSON.stringify(t.text)} [${t.scopes.slice(1).join(' ')}]`;

/** Words scoped as keywords over the whole corpus, filled by checkFile. */
const keywordWords = new Map(); // word -> first place

test('the corpus is there', () => {
  const dlx = FILES.filter((f) => f.name.endsWith('.dlx')).length;
  assert.ok(dlx >= 10, `only ${dlx} .dlx files found under ${REPO}/policies and stdlib`);
  assert.ok(FILES.length > dlx, 'no ```dlx examples found in docs/');
  assert.ok(PEST_KEYWORDS.size >= 60, `only ${PEST_KEYWORDS.size} keywords read from grammar.pest`);
  assert.ok(RESERVED.size >= 20 && ITEM_KEYWORDS.length >= 10);
});

/** Problems of one file, as `FILE line N: …` strings; fills keywordWords. */
async function checkFile(file) {
  const { lines, problems, state } = await tokenize(file.text);

  const kinds = classify(file.text);
  const failures = [];
  let offset = 0;
  lines.forEach(({ line, tokens }, n) => {
    for (const t of tokens) {
      const where = `line ${n + 1}:${t.start + 1} ${describeToken(t)}`;
      if (t.scopes.some((s) => s.startsWith('invalid'))) failures.push(`${where}: invalid`);
      const isString = t.scopes.some((s) => s.startsWith('string.'));
      const isComment = t.scopes.some((s) => s.startsWith('comment.'));
      for (let i = t.start; i < t.end; i++) {
        const kind = kinds[offset + i];
        const ok = kind === 'str' ? isString && !isComment : kind === 'comment' ? isComment : !isString && !isComment;
        if (!ok) {
          failures.push(`${where}: the parser reads ${JSON.stringify(line[i])} at column ${i + 1} as ${kind}`);
          break;
        }
      }
      if (kinds[offset + t.start] !== 'code') continue;
      const word = t.text.trim();
      if (isKeyword(t) && /^\w+$/.test(word) && !keywordWords.has(word)) {
        keywordWords.set(word, `${file.name} ${where}`);
      }
      // Reserved words are never names: wherever they stand in code they are keywords.
      for (const m of t.text.matchAll(/[\p{L}\p{N}_]+/gu)) {
        if (RESERVED.has(m[0]) && !isKeyword(t)) failures.push(`${where}: reserved word \`${m[0]}\` not scoped as a keyword`);
      }
    }
    offset += line.length + 1;
  });

  // Every item starts afresh: its first line is tokenized as if it began the file.
  const starts = itemStartLines(file.text, ITEM_KEYWORDS);
  for (const n of starts) {
    const fresh = await tokenize(lines[n].line);
    if (!sameTokens(lines[n].tokens, fresh.lines[0].tokens)) {
      failures.push(
        `line ${n + 1} starts an item, but is tokenized as ${lines[n].tokens.map(describeToken).join(' ')}`,
      );
    }
  }
  // ... and so does whatever comes after the file.
  const after = await tokenize('package next', state);
  const fresh = await tokenize('package next', INITIAL);
  if (!sameTokens(after.lines[0].tokens, fresh.lines[0].tokens)) {
    failures.push(`the end of the file leaves a region open: ${after.lines[0].tokens.map(describeToken).join(' ')}`);
  }
  return problems.map((p) => `${file.name} ${p}`).concat(failures.map((f) => `${file.name} ${f}`));
}

// Every file is checked once; the tests below read the results.
let checking;
function checkAll() {
  checking ??= (async () => {
    const results = new Map();
    for (const file of FILES) results.set(file, await checkFile(file));
    return results;
  })();
  return checking;
}

// One test per folder (policies/binzhou, stdlib, docs/language.md, …): its files' problems.
const groups = new Map();
for (const file of FILES) {
  const group = file.name.includes(' example ') ? file.name.replace(/ example \d+$/, '') : path.dirname(file.name);
  if (!groups.has(group)) groups.set(group, []);
  groups.get(group).push(file);
}
for (const [group, files] of groups) {
  const what = group.endsWith('.md') ? 'example' : 'file';
  test(`tokenizes ${group} (${files.length} ${what}${files.length === 1 ? '' : 's'})`, async () => {
    const results = await checkAll();
    const failures = files.flatMap((f) => results.get(f));
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} problem(s)`);
  });
}

test('every keyword of grammar.pest is scoped as a keyword somewhere, and no other word is', async () => {
  await checkAll();
  const missing = [...PEST_KEYWORDS].filter((w) => !keywordWords.has(w)).sort();
  assert.deepEqual(missing, [], 'keywords of grammar.pest never scoped as keywords in policies/, stdlib/ or docs/');
  const unknown = [...keywordWords.keys()].filter((w) => !PEST_KEYWORDS.has(w)).map((w) => `${w} (${keywordWords.get(w)})`);
  assert.deepEqual(unknown, [], 'words scoped as keywords that grammar.pest does not have');
});

test('the grammar names every item keyword of the parser', () => {
  const grammarText = fs.readFileSync(path.join(ROOT, 'syntaxes', 'datalex.tmLanguage.json'), 'utf8');
  const missing = ITEM_KEYWORDS.filter((k) => !new RegExp(`\\b${k}\\b`).test(grammarText));
  assert.deepEqual(missing, []);
});
