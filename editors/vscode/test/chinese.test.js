// The Chinese keywords and citations: the grammar's list of Chinese keywords is the table's
// (lang/src/keywords.rs, the one table the parser, formatter and language server use too), and
// a file written with Chinese keywords is scoped as one with English keywords would be.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { tokenize, ROOT } = require('./tokenize');

const REPO = path.resolve(ROOT, '..', '..');
const TABLE = path.join(REPO, 'lang', 'src', 'keywords.rs');
const GRAMMAR = path.join(ROOT, 'syntaxes', 'datalex.tmLanguage.json');

/** The table's rows: variant, rule, English, Chinese. */
function table() {
  const text = fs.readFileSync(TABLE, 'utf8');
  const rows = [...text.matchAll(/^\s+(\w+), "(\w+)", "([^"]+)", "([^"]+)"/gm)].map((m) => ({
    variant: m[1],
    rule: m[2],
    en: m[3],
    zh: m[4],
  }));
  assert.ok(rows.length > 80, `only ${rows.length} keywords read from keywords.rs`);
  return rows;
}

const KEYWORD_SCOPE = /^(keyword|storage|constant\.language)\./;

test('the Chinese keyword alternation is the table', () => {
  const g = JSON.parse(fs.readFileSync(GRAMMAR, 'utf8'));
  const pattern = g.repository.chinese.patterns.find((p) => p.name === 'keyword.other.chinese.datalex');
  const m = pattern.match.match(/\(\?:(.*)\)\(\?!\\w\)$/);
  assert.ok(m, pattern.match);
  const inGrammar = new Set(m[1].split('|'));
  const inTable = new Set(table().map((r) => r.zh).filter((z) => !z.startsWith('第')));
  assert.deepEqual([...inGrammar].sort(), [...inTable].sort());
});

test('every Chinese keyword is scoped as a keyword, whole words only', async () => {
  for (const { zh } of table().filter((r) => !r.zh.startsWith('第'))) {
    const { lines, problems } = await tokenize(`  ${zh} x`);
    assert.deepEqual(problems, []);
    const tok = lines[0].tokens.find((t) => t.text === zh);
    assert.ok(tok && tok.scopes.some((s) => KEYWORD_SCOPE.test(s)), `${zh}: ${JSON.stringify(lines[0].tokens)}`);
    // Followed by a name character it is part of a name.
    const { lines: joined } = await tokenize(`  ${zh}甲 x`);
    assert.ok(
      !joined[0].tokens.some((t) => t.text === zh && t.scopes.some((s) => KEYWORD_SCOPE.test(s))),
      `${zh}甲 is a name`,
    );
  }
});

test('Chinese citations and ordinals are scoped as citations', async () => {
  const text = [
    '政策包 binzhou',
    '',
    '前置条件 g 针对 share 依据 第四十五条第三项, national-2025 第二十条第二款第二项, 第5条@2025-01-01',
    '  当 dataset 缺失',
    '  => 不予 g "没有。"',
  ].join('\n');
  const { lines, problems } = await tokenize(text);
  assert.deepEqual(problems, []);
  const line = lines[2].tokens;
  const scoped = (text, scope) =>
    line.some((t) => t.text === text && t.scopes.some((s) => s.startsWith(scope)));
  assert.ok(scoped('四十五', 'constant.numeric.citation'), JSON.stringify(line));
  assert.ok(scoped('三', 'constant.numeric.citation'), JSON.stringify(line));
  assert.ok(scoped('national-2025', 'entity.name.namespace.regulation'), JSON.stringify(line));
  assert.ok(scoped('5', 'constant.numeric.citation'), JSON.stringify(line));
  assert.ok(scoped('2025-01-01', 'constant.numeric.date'), JSON.stringify(line));
  for (const [i, word] of [[0, '政策包'], [2, '前置条件'], [2, '针对'], [2, '依据'], [3, '当'], [3, '缺失'], [4, '不予']]) {
    assert.ok(
      lines[i].tokens.some((t) => t.text === word && t.scopes.some((s) => KEYWORD_SCOPE.test(s))),
      `${word}: ${JSON.stringify(lines[i].tokens)}`,
    );
  }
});
