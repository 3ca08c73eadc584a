// Spot checks of the TextMate grammar on small texts: the places where a word is a keyword in
// one context and a name in another, Chinese names and text, recovery from unclosed strings and
// braces (as the parser recovers), citations, literals, tests.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { tokenize, ROOT } = require('./tokenize');

/** The scopes (source.datalex left out) of the token at the `nth` occurrence of `needle` in `src`. */
async function scopes(src, needle, nth = 0) {
  const { lines, problems } = await tokenize(src);
  assert.deepEqual(problems, []);
  let seen = 0;
  for (const { line, tokens } of lines) {
    for (let at = line.indexOf(needle); at >= 0; at = line.indexOf(needle, at + 1)) {
      if (seen++ === nth) {
        const t = tokens.find((x) => x.start <= at && at < x.end);
        return t.scopes.slice(1).join(' ');
      }
    }
  }
  throw new Error(`${JSON.stringify(needle)} #${nth} not in ${JSON.stringify(src)}`);
}

const KEYWORD = /(^| )(keyword|storage|constant\.language)\./;

async function expect(src, needle, pattern, nth = 0) {
  const s = await scopes(src, needle, nth);
  assert.match(s, pattern, `${JSON.stringify(needle)} in ${JSON.stringify(src)} is scoped "${s}"`);
}

async function expectNot(src, needle, pattern, nth = 0) {
  const s = await scopes(src, needle, nth);
  assert.doesNotMatch(s, pattern, `${JSON.stringify(needle)} in ${JSON.stringify(src)} is scoped "${s}"`);
}

test('words that are keywords only in context are names elsewhere', async () => {
  const reg = 'regulation r "R" {\n  rank rule\n  style plan\n  text unavailable "x"\n}\n';
  await expect(reg, 'rank', /keyword\.other\.regulation\.rank/);
  await expect(reg, 'rule', /variable\.other\.enummember/);
  await expectNot(reg, 'rule', KEYWORD);
  await expect(reg, 'unavailable', /keyword\.other\.regulation\.unavailable/);
  const value = 'value v: Bool on share, open cites §1 = dataset.kind == rule and b.rank >= law';
  await expect(value, 'kind', /variable\.other\.property/);
  await expectNot(value, 'open', KEYWORD);
  await expectNot(value, 'rule', KEYWORD);
  await expect(value, 'rank', /variable\.other\.property/);
  await expect(value, 'Bool', /entity\.name\.type/);
  await expect('package p extends q', 'extends', /keyword\.other\.extends/);
  await expect('use zunyi for develop', 'for', /keyword\.other\.for/);
  await expect('fact datasets: [Dataset] keyed by id "目录"', 'keyed', /keyword\.other\.keyed/);
  await expect('fact datasets: [Dataset] keyed by id "目录"', 'Dataset', /entity\.name\.type/);
  await expect('enum LegalRank ordered "位阶" {\n  rule "规章"\n}', 'rule', /variable\.other\.enummember/);
  await expect('enum LegalRank ordered "位阶" {\n  rule "规章"\n}', 'ordered', /storage\.modifier\.ordered/);
  await expect('record R "r" {\n  kind: InstitutionKind "类别"\n}', 'kind', /variable\.other\.property/);
});

test('Chinese names and text', async () => {
  const src =
    'rule 共享规则 on share cites §20 when 数据集.类别 == 人口\n' +
    '  => deny 拒绝 "理由，含 // 和 \\"引号\\"、§20 与 rule"\n';
  await expect(src, '共享规则', /entity\.name\.function\.rule/);
  await expect(src, '类别', /variable\.other\.property/);
  await expect(src, '拒绝', /variable\.other\.constant\.code/);
  await expect(src, '// 和', /string\.quoted\.double/);
  await expect(src, '\\"', /constant\.character\.escape/);
  await expect(src, '§20', /string\.quoted\.double/, 1);
  await expect(src, 'rule"', /string\.quoted\.double/);
  const article = 'regulation r "R" {\n  article 1 {\n    para 1 "第一款。" {\n      item 1 "（一）「项」；"\n    }\n  }\n}\nrule r on share cites §1 when true => deny x "y"\n';
  await expect(article, '（一）', /string\.quoted\.double/);
  await expect(article, 'rule', /^meta\.rule\.datalex storage\.type\.rule/);
  // U+3000 (ideographic space) is whitespace to the parser, also before an item keyword.
  await expect('package p\n\u3000rule r on share cites §1 when true => deny x "y"', 'rule', /^meta\.rule\.datalex storage\.type\.rule/);
});

test('recovery: an unclosed string ends with its line, an unclosed brace at the next item', async () => {
  const str = 'param p = 1 cites §1 "unclosed\nparam q = 2 cites §1';
  await expect(str, 'param', /^meta\.param\.datalex storage\.type\.param/, 1);
  await expect(str, '2', /constant\.numeric/);
  // lang::parser's test an_unclosed_brace_does_not_swallow_the_file.
  const brace = 'package p\nregulation r "R" {\n  article 1 "一"\nrule a on share cites §1 when true => permit x "y"\n';
  await expect(brace, 'rule', /^meta\.rule\.datalex storage\.type\.rule/);
  await expect(brace, 'permit', /^meta\.rule\.datalex keyword\.control\.effect\.permit/);
  // Indented item keywords inside braces do not end the block (value exceptions).
  const value = 'value v on share cites §1 {\n  default 1\n  exception e cites §2\n    when true => 2\n}\nrule r on share cites §1 when true => deny x "y"\n';
  await expect(value, 'exception', /meta\.block\.datalex storage\.type\.exception/);
  await expect(value, 'e cites §2', /entity\.name\.function\.exception/);
  await expect(value, 'rule', /^meta\.rule\.datalex storage\.type\.rule/);
});

test('comments', async () => {
  const src = '// a comment with "a quote\npackage p // and § after code\nparam x = 1 cites §1';
  await expect(src, 'a quote', /comment\.line\.double-slash/);
  await expect(src, 'and §', /comment\.line\.double-slash/);
  await expect(src, 'param', /storage\.type\.param/);
  await expect(src, '//', /punctuation\.definition\.comment/);
});

test('citations, dates, durations, escapes', async () => {
  const src =
    'param reply_period = 10 working days cites binzhou-2023 §20.2.2, §?, shandong-2019 §?\n' +
    'param review = 365 days cites §21 "a \\n b \\t c"\n' +
    'param since = 2023-03-01 cites §47\n';
  await expect(src, 'cites', /keyword\.other\.cites/);
  await expect(src, 'binzhou-2023', /meta\.citation\.datalex entity\.name\.namespace\.regulation/);
  await expect(src, '20.2.2', /constant\.numeric\.citation/);
  await expect(src, '?', /constant\.language\.article-unknown/);
  await expect(src, '10', /constant\.numeric\.integer/);
  await expect(src, 'working', /keyword\.other\.unit\.working/);
  await expect(src, 'days', /keyword\.other\.unit\.days/, 1);
  await expect(src, '2023-03-01', /constant\.numeric\.date/);
  await expect(src, '\\n', /constant\.character\.escape/);
  await expect(src, '\\t', /invalid\.illegal\.escape/);
  const cov = 'coverage binzhou-2023 {\n  §5, §6.1 not_decidable "职责分工"\n  §8 not_encoded\n    "尚未编码"\n}\n';
  await expect(cov, 'binzhou-2023', /entity\.name\.namespace\.regulation/);
  await expect(cov, '6.1', /constant\.numeric\.citation/);
  await expect(cov, 'not_decidable', /constant\.language\.coverage-status/);
  await expect(cov, 'not_encoded', /constant\.language\.coverage-status/);
  const missing = 'regulation r "R" {\n  missing 23..27 "lost"\n  article 28 partial "……"\n}\n';
  await expect(missing, '..', /keyword\.operator\.range/);
  await expect(missing, 'partial', /keyword\.other\.regulation\.partial/);
});

test('interpretations and readings', async () => {
  const src =
    'package p\n' +
    'interpretation annual_evaluation of §2.2.2, binzhou-2023 §3 {\n' +
    '  says "定期"\n' +
    '  means\n' +
    '    "评估间隔取一年"\n' +
    '  adopted by "滨州市大数据局" on 2026-12-04\n' +
    '}\n' +
    'param interval = 365 days cites reading annual_evaluation\n' +
    'check overdue on share cites §21, reading annual_evaluation\n' +
    '  when reading_count > 1 and x.reading == 2\n' +
    '  => finding overdue warning on dataset.id "x" cites §21, reading annual_evaluation\n';
  await expect(src, 'interpretation', /^meta\.interpretation\.datalex storage\.type\.interpretation/);
  await expect(src, 'annual_evaluation', /entity\.name\.function\.interpretation/);
  // `of` is a keyword, not the name of a regulation before `§`.
  await expect(src, 'of', /keyword\.other\.of/);
  await expectNot(src, 'of', /entity\.name\.namespace/);
  await expect(src, '2.2.2', /meta\.citation\.datalex constant\.numeric\.citation/);
  await expect(src, 'binzhou-2023', /meta\.citation\.datalex entity\.name\.namespace\.regulation/);
  await expect(src, 'says', /keyword\.other\.interpretation\.says/);
  await expect(src, 'means', /keyword\.other\.interpretation\.means/);
  await expect(src, '评估间隔', /string\.quoted\.double/);
  await expect(src, 'adopted', /keyword\.other\.interpretation\.adopted/);
  await expect(src, 'by', /keyword\.other\.interpretation\.by/);
  await expect(src, 'on 2026', /keyword\.other\.on/);
  await expect(src, '2026-12-04', /constant\.numeric\.date/);
  await expect(src, 'param', /^meta\.param\.datalex storage\.type\.param/);
  await expect(src, 'reading', /keyword\.other\.reading/);
  await expect(src, 'annual_evaluation', /entity\.name\.function\.interpretation/, 1);
  await expect(src, 'reading', /keyword\.other\.reading/, 1);
  await expect(src, 'annual_evaluation', /entity\.name\.function\.interpretation/, 2);
  await expect(src, 'reading', /keyword\.other\.reading/, 4);
  // Elsewhere `reading` is a name like any other.
  await expectNot(src, 'reading_count', KEYWORD);
  await expect(src, 'reading ==', /variable\.other\.property/);
  // An interpretation's colours end where the next item starts, even with its brace unclosed.
  const open = 'interpretation i of §1 {\n  says "x"\nrule r on share cites reading i when true => deny x "y"\n';
  await expect(open, 'rule', /^meta\.rule\.datalex storage\.type\.rule/);
  await expect(open, 'i when', /entity\.name\.function\.interpretation/);
});

test('dated paragraphs and items, defects of the source copy', async () => {
  const src =
    'regulation r "R" {\n' +
    '  article 2 {\n' +
    '    para 3 until 2021-12-31 "应用?;谌丝谂c" garbled "?;谌丝谂c" reads "。基于人口與"\n' +
    '    para 4 "平臺平臺" {\n' +
    '      item 2 from 2021-01-01 until 2022-12-31 "第二项"\n' +
    '        duplicated "平臺平臺" reads "平臺"\n' +
    '    }\n' +
    '  }\n' +
    '  article 3 "本本单位" garbled "本本"\n' +
    '}\n';
  await expect(src, 'para', /keyword\.other\.regulation\.para/);
  await expect(src, 'until', /keyword\.other\.regulation\.until/);
  await expect(src, '2021-12-31', /constant\.numeric\.date/);
  await expect(src, 'from', /keyword\.other\.regulation\.from/);
  await expect(src, '2021-01-01', /constant\.numeric\.date/);
  await expect(src, 'until', /keyword\.other\.regulation\.until/, 1);
  await expect(src, '2022-12-31', /constant\.numeric\.date/);
  await expect(src, 'garbled', /keyword\.other\.regulation\.defect\.garbled/);
  await expect(src, 'garbled', /keyword\.other\.regulation\.defect\.garbled/, 1);
  await expect(src, 'duplicated', /keyword\.other\.regulation\.defect\.duplicated/);
  await expect(src, 'reads', /keyword\.other\.regulation\.reads/);
  await expect(src, 'reads', /keyword\.other\.regulation\.reads/, 1);
  await expect(src, '。基于人口與', /string\.quoted\.double/);
  // Outside a regulation they are names.
  await expectNot('param garbled = reads cites §1', 'garbled', KEYWORD);
  await expectNot('param garbled = reads cites §1', 'reads', KEYWORD);
});

test('outcomes', async () => {
  const src =
    'rule r on share cites §1 when any e in emergencies: e.end > request.at\n' +
    '  => review r_code "审核"\n' +
    '     obligation use_only on requester until e.end "仅限"\n' +
    '     deadline reply on provider within reply_period from request.at met by request.filed_on "答复"\n' +
    '     finding late violation on request.institution "逾期"\n';
  await expect(src, 'review', /keyword\.control\.effect\.review/);
  await expect(src, 'r_code', /variable\.other\.constant\.code/);
  await expect(src, 'use_only', /variable\.other\.constant\.code/);
  await expect(src, 'until', /keyword\.other\.until/);
  await expect(src, 'met', /keyword\.other\.met/);
  await expect(src, 'by', /keyword\.other\.by/);
  await expect(src, 'violation', /constant\.language\.severity\.violation/);
  await expect(src, 'any', /keyword\.control\.quantifier\.any/);
  await expect(src, '=>', /keyword\.operator\.arrow/);
});

test('tests written in the language', async () => {
  const src =
    'test "有条件共享" {\n' +
    '  facts "../../data/binzhou"\n' +
    '  request share { at 2026-03-02, requester "bz-wjw", flags [a, b], nested { ok true } }\n' +
    '  expect review conditional_share_application\n' +
    '  expect deadline provider_reply due 2026-03-16 status open\n' +
    '  expect no finding late\n' +
    '  expect tier share conditional\n' +
    '}\n';
  await expect(src, 'facts', /keyword\.other\.test\.facts/);
  await expect(src, 'request', /keyword\.other\.test\.request/);
  await expect(src, 'share', /entity\.name\.type\.kind/);
  await expect(src, 'at 2026', /variable\.other\.property/);
  await expect(src, 'requester', /variable\.other\.property/);
  await expect(src, 'ok', /variable\.other\.property/);
  await expect(src, 'true', /constant\.language\.boolean/);
  await expect(src, 'due', /keyword\.other\.test\.due/);
  await expect(src, 'open', /constant\.language\.deadline-status\.open/);
  await expect(src, 'no', /keyword\.other\.test\.no/, 0);
  await expect(src, 'tier', /keyword\.other\.test\.tier/);
  await expectNot(src, 'conditional', KEYWORD, 1);
});

test('language-configuration.json and package.json agree with the grammar', () => {
  const conf = JSON.parse(fs.readFileSync(path.join(ROOT, 'language-configuration.json'), 'utf8'));
  const pest = fs.readFileSync(path.resolve(ROOT, '..', '..', 'lang', 'src', 'grammar.pest'), 'utf8');
  // The comment rule: `line_comment`, which `WHITESPACE` skips with the blanks.
  const comment = pest.match(/^line_comment\s*=\s*_\{\s*"([^"]+)"/m);
  assert.ok(comment, 'line_comment rule not found in grammar.pest');
  assert.equal(conf.comments.lineComment, comment[1]);
  assert.equal(conf.comments.blockComment, undefined, 'the language has no block comments');
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const lang = pkg.contributes.languages.find((l) => l.id === 'datalex');
  assert.deepEqual(lang.extensions, ['.dlx']);
  const grammar = pkg.contributes.grammars.find((g) => g.language === 'datalex');
  assert.equal(grammar.scopeName, 'source.datalex');
  const tm = JSON.parse(fs.readFileSync(path.join(ROOT, grammar.path), 'utf8'));
  assert.equal(tm.scopeName, 'source.datalex');
  for (const key of ['datalex.server.path', 'datalex.server.extraArgs', 'datalex.trace.server']) {
    assert.ok(pkg.contributes.configuration.properties[key], `setting ${key} missing`);
  }
  assert.ok(pkg.activationEvents.includes('onLanguage:datalex'));
});
