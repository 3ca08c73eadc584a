# diagnostics — English catalog.
# Every diagnostic the parser and the compiler report, by code and wording (`E0104-no-article`),
# with `.help` and `.label` attributes; the words shared by several (roles, parts, periods,
# examples); and the phrases of the parser for what it expected (`phrase-*`, found by their
# English text). Arguments: names and quoted policy text verbatim.

## lang
diag-severity-error = error
diag-severity-warning = warning
diag-report-error = Error
diag-report-warning = Warning
diag-help = Help
diag-more = … and { $count } more not shown (at most { $limit } diagnostics are shown with their source)
diag-colon = {": "}
E0001-end-of-item = the end of the item
E0001-unexpected = unexpected { $found }
E0001-expected-found = expected { $expected }, found { $found }
E0001-skipped = the item is skipped; the parser continues with the next declaration
E0001-grammar = { $message }
E0001-unclosed-brace = this `{"{"}` is never closed
    .label = the declaration ends here
    .help = close it with `{"}"}` before the next declaration
E0001-expected = expected { $what }
E0001-unreadable = could not read { $what }
    .help = this is a bug in the datalex parser; please report it with the file
E0001-duplication-without-reading = a duplication needs its reading: `duplicated "RUN" reads "FIXED"`
E0001-target-without-last-day = a target needs its last day: `target "RUN" until 2022-12-31`
E0001-target-with-reading = a target has a last day, not a reading: `target "RUN" until 2022-12-31`
E0001-until-on-run = `until` belongs to a target; a { $kind } run has a reading: `reads "…"`
E0003-impossible-date = { $error }
E0002-number-too-large = number `{ $number }` is too large
E0004-all-without-condition = `all` needs a condition: `all x in c: …`
E0001-numeral = `{ $numeral }` is not a number in Chinese numerals
    .help = write numbers as in 第二十条, 第一百零一条, or in digits: 第20条
E0005-mixed-keywords = { $file ->
        [zh] English
       *[en] Chinese
    } keyword `{ $keyword }` in a file with { $file ->
        [zh] Chinese
       *[en] English
    } keywords
    .label = the file's first keyword, `{ $first }`
    .help = a file uses one keyword language; `datalex fmt --keywords zh|en` converts a file
E0006-too-deep = this expression is nested more than { $limit } levels deep
    .help = parentheses, brackets, `not`, `any`/`all`/`each`, field accesses and indexes count as levels; name the inner part with a `value`, or write a long condition as one flat chain: `a or b or c` (chains of any length are fine)

## name
E0101-unknown-name = unknown name `{ $name }`
    .help = a name must be a value, param, fact, `request`, a quantifier variable in scope, or an enum member
E0101-unknown-fact = unknown fact
E0101-unknown-value = unknown value `{ $name }`
    .help = `as VALUE` names a derived value that gives the party's institution
E0102-no-member = `{ $enum }` has no member `{ $member }`
E0102-no-field = `{ $record }` has no field `{ $field }`
    .help = its fields are { $fields }
E0102-no-key-field = the record has no field `{ $field }`
E0102-tie-to-later-member = `{ $tie }` is not a member declared before `{ $member }`
E0102-tie-in-unordered-enum = `= { $tie }`: only members of an `ordered` enum share a rank
E0102-tie-help = write `member = earlier_member` to give a member the rank of one declared before it
E0108-unknown-kind = unknown request kind `{ $name }`
    .help = the kinds are { $kinds }
E0109-unknown-type = unknown type `{ $name }`
E0109-unknown-record = unknown record `{ $name }`
E0110-not-overridable = `{ $name }` is not a rule or exception, so nothing can be an exception to it
    .help = guards decide first and checks never decide; exceptions override rules and other exceptions
E0110-not-a-rule-here = `{ $name }` is not a rule of `{ $kind }` requests here
    .help = an exception names a rule or another exception of the same request kind, in its package or one it extends
E0110-no-value-exception = value `{ $value }` has no exception `{ $name }`
E0128-unknown-interpretation = unknown interpretation `{ $name }`
    .help = declare it with `interpretation NAME of §… {"{"} says "…" means "…" adopted by "…" on DATE {"}"}`
E0128-reads-an-interpretation = interpretation `{ $name }` reads another interpretation
    .help = an interpretation reads provisions: `of §N.P.I`

## citation
E0103-unknown-regulation = unknown regulation
E0103-unknown-regulation-named = unknown regulation `{ $name }`
    .help = declare it with `regulation ID "title" {"{"} … {"}"}` in this package or one it extends
E0103-out-of-scope = regulation `{ $regulation }` is declared in package `{ $declared_in }`, which `{ $package }` neither is nor extends
    .help = a package cites the regulations it or the packages it extends declare: cite it from a package that extends `{ $declared_in }`, or make `{ $package }` extend it
E0103-in-scope = a scope says whom a declared regulation applies to
E0103-in-applies = `applies` names a regulation declared in some package
E0113-no-regulation = this citation does not name a regulation
E0113-none-declared = a bare `§N` cites the regulation declared in the same package; this package declares none, so write `REGULATION §N`
E0113-several-declared = this package declares { $declared } regulations, so a bare `§N` is ambiguous: write `REGULATION §N`
E0112-text-unavailable = the text of `{ $regulation }` is not available, so its articles cannot be checked
    .help = cite it as `{ $regulation } §?` (article unknown): { $why }
E0104-no-article = `{ $regulation }` has no article { $article }
    .help = { $which } declared missing ({ $note }); cite `{ $regulation } §?` instead
E0104-article-is = article { $article } is
E0104-articles-are = articles { $first }–{ $last } are
E0104-the-start = the start
E0104-no-version-from = article { $article } of `{ $regulation }` has no version in force from { $version }
    .help = its versions start on { $starts }
E0104-no-paragraph-or-item = article { $article } of `{ $regulation }` has no such paragraph or item
E0104-no-paragraph = article { $article } of `{ $regulation }` has { $paragraphs } paragraph(s), not { $paragraph }
E0104-no-item = article { $article } of `{ $regulation }` has no item { $item } there
    .help = that paragraph has { $items } item(s)
E0104-no-such-provision = no such provision
E0126-not-in-force = `{ $regulation }` { $provision } has no version in force while `{ $regulation }` is ({ $period })
    .help = cite a version of the article that is in force, or correct the versions' dates

## cycle
E0105-overrides-itself = `{ $name }` overrides itself
E0105-rules = exceptions override each other in a cycle: { $names }
    .label = part of the cycle
    .help = the override relation must be acyclic: decide which exception is the more specific one
E0105-value-exceptions = exceptions of `{ $value }` override each other in a cycle: { $names }
E0114-depends-on-itself = value `{ $name }` depends on itself
    .label = defined here
    .help = values cannot be recursive: every evaluation must terminate

## decl
declared-regulation = regulation
declared-article = article
declared-type = type
declared-param = param
declared-value = value
declared-rule = rule
declared-interpretation = interpretation
declared-label = label
declared-field = field
role-guard = guard
role-rule = rule
role-exception = exception
role-check = check
role-otherwise = otherwise
part-reason = reason
part-obligation = obligation
part-finding = finding
part-deadline = deadline
part-remedy = remedy
part-source = source
E0106-article = article { $name }
E0106-named = { $kind } `{ $name }`
E0106-declared-twice = { $thing } is declared twice
E0106-first-declared-here = first declared here
E0106-amended-article = an amended article says from when: `article { $name } from DATE …`
E0106-two-defaults = `{ $kind }` requests have two `otherwise` defaults
    .help = keep one: when no rule applies, one default decides
E0106-two-scopes = `{ $regulation }` has two scopes for `{ $kind }` requests
E0106-two-coverage-notes = { $provision } has two coverage notes
E0115-param = param `{ $name }` cites nothing
    .help = a param says where its number comes from: add `cites §N`
E0115-value-exception = exception `{ $name }` cites nothing
E0115-scope = the scope of `{ $regulation }` cites nothing
    .help = cite the article that says whom the regulation applies to
E0115-rule = { $role } `{ $name }` cites nothing
    .help = every rule cites the articles it implements: add `cites §N` after the request kinds
E0116-no-otherwise = `{ $kind }` requests have rules but no `otherwise`
    .help = say what happens when no rule applies, with its citation: `otherwise on { $kind } cites §N => deny no_applicable_rule "…"`
E0117-check-with-effect = a check never decides; it has findings but no effect
    .help = make it a `rule`, or drop the effect
E0117-no-effect = { $role } `{ $name }` has no effect
    .help = write `=> permit CODE "text"`, `=> deny …` or `=> review …`
E0117-otherwise-must-deny = `otherwise` must deny: when no rule applies, the decision fails closed
E0117-over-on-non-exception = only an `exception` overrides other rules; this is a { $role }
    .help = write `exception { $name } over …`
E0117-part-of-check = a check only reports findings; this { $part } would never reach a decision
    .help = put it in the rule that decides, or make this check a rule
E0117-exception-without-over = exception `{ $name }` does not say what it is an exception to
    .help = name the rules it overrides: `exception NAME over RULE on KIND …`, or make it a `rule`
E0120-test-without-request = this test has no `request`

## layer
effect-permit = permit
effect-deny = deny
effect-review = review
E0111-unknown-package = unknown package `{ $name }`
    .help = a package is the set of files that start with `package NAME`; check the paths given to the compiler
E0111-extends-cycle = packages extend each other in a cycle
E0118-package-not-first = `package` must be the first declaration of the file
    .help = move this line to the top, so a reader knows from the start which package the file belongs to
E0118-no-package-line = this file does not say which package it belongs to
    .help = start the file with `package NAME`
E0118-two-package-lines = a file belongs to one package
E0118-declared-here = declared here
E0118-extends-twice = package `{ $package }` already extends `{ $base }`
E0130-only-in-prelude = { $what ->
    [fact] the fact
   *[kind] the request kind
} `{ $name }` is declared in package `{ $package }`; only the prelude (`std`) declares facts and request kinds
    .help = the evaluator supplies the prelude's { $what ->
    [fact] facts only: a fact declared here would have no data, and binding the jurisdiction would fail
   *[kind] request kinds only: no request could be of a kind declared here
}; use the prelude's
E0131-no-effect = no rule of `{ $package }` decides `{ $effect }` on `{ $kind }` requests
    .help = the test can never pass: expect an effect a rule of the package decides
E0131-no-code = nothing of `{ $package }` gives the { $part } `{ $code }` on `{ $kind }` requests
    .help = the test can never pass; the codes it gives are { $codes }
E0131-none-produced = the test can never pass: nothing of the package gives a { $part } on these requests
E0121-silent-replacement = { $what } `{ $name }` replaces the one of package `{ $base }` without saying so
    .help = write `override { $what } { $name }` if it is meant to replace it, or give it another name
E0122-override-of-nothing = `override`, but no package this one extends has a { $what } `{ $name }`
    .help = drop `override`, or check the name and the `extends` of the package
E0123-uses-kind-it-decides = `{ $package }` has rules of its own for `{ $kind }` requests and also uses `{ $used }` for them
    .help = decide a kind of request in one place: remove its rules here, or the `use`
E0123-nothing-to-use = `{ $used }` has no rules for `{ $kind }` requests to use
    .help = name a request kind that package decides
E0124-replaces = replaces
E0124-overrides = overrides
E0124-other-effect = it decides `{ $effect }` where `{ $higher }` decides `{ $higher-effect }`
E0124-leaves-out = it leaves out the { $part } `{ $code }` that `{ $higher }` sets
E0124-rank-conflict = `{ $lower }` ({ $lower-source }) { $verb } `{ $higher }` ({ $higher-source }) while both are in force ({ $period }): { $differs }
    .label = the higher-rank rule
    .help = 上位法优先: decide as the higher-rank rule does, keep its duties, ground this rule in a period or scope where that rule does not apply, or say `consistent with REG §N "why"` if it only adds a stricter requirement that does not contradict it

## text
provision-paragraph = paragraph { $number }
provision-item = item { $number }
E0102-not-a-legal-rank = `{ $rank }` is not a `LegalRank`
    .help = the ranks, lowest first: { $ranks }
E0102-unknown-style = unknown style `{ $style }`
    .help = a regulation is numbered like a `law` (the default: 第二十条第二款第二项) or like a `plan` (二、（一）2)
E0125-regulation-ends-before-start = `{ $regulation }` is in force until { $until }, before it starts on { $from }
    .help = a period runs from its first day to its last, both included
E0125-version-out-of-order = this version of article { $article } starts on { $from }, not after the version before it ({ $previous })
    .label = the version before
    .help = declare the versions of an article in the order they took effect
E0125-this-version = this version of article { $article }
E0125-part-of-article = { $part } of article { $article }
E0125-ends-before-start = { $what } ends on { $until }, before it starts on { $from }
E0119-paragraph-out-of-order = paragraph { $number } of article { $article } should be numbered { $expected }
E0119-exactly = { $number }
E0119-above = a number above { $number }
E0119-item-out-of-order = item { $number } should be numbered { $want }
E0127-run-not-in-text = the { $kind } run is not in the text of { $part } of article { $article }
    .label = the text it marks
    .help = copy the run exactly as the text has it
E0127-says-not-in-text = what interpretation `{ $interpretation }` says the text says is not in the text it reads
    .help = `says` quotes the provision verbatim: copy the words the reading rests on
E0129-articles-of-unavailable-text = `{ $regulation }` is declared with its text unavailable, but it has articles
    .label = its text declared unavailable here
    .help = declare its articles and remove `text unavailable`, or keep `text unavailable`, remove the articles and cite it as `{ $regulation } §?`
E0129-article-declared-missing = article { $article } is declared, and also declared missing
    .label = declared missing here
    .help = an article whose text is lost is only declared `missing`; take it out of the `missing` range, or remove the article
E0129-empty-article = article { $article } has no text
    .help = write its text (`article 20 "…"`, or its paragraphs: `para 1 "…"` …); if the text is lost, declare it `missing 20 "why"` instead

## typing
E0107-mismatch = expected { $expected }, found { $found }
E0107-ambiguous-member = `{ $name }` is a member of several enums
    .help = write { $written }
E0107-no-fields = a value of type { $type } has no field `{ $field }`
E0107-lookup-outside-fact = only a fact collection keyed by a field can be looked up with `[…]`
    .help = for example `catalog[request.dataset]`
E0107-fact-not-keyed = `{ $fact }` is not keyed; it cannot be looked up with `[…]`
E0107-in-needs-list = `in` needs a list, found { $found }
E0107-range-needs-list = expected a list to range over, found { $found }
E0107-arithmetic = cannot apply `{ $op }` to { $left } and { $right }
    .help = dates move by durations (`request.at - 365 days`); whole numbers add and subtract
E0107-incomparable = cannot compare { $left } with { $right }
    .help = both sides of a comparison have the same type; a text is not a number, a date is not a duration
E0107-day-counts = cannot compare a count of { $left ->
    [working] working days
   *[calendar] calendar days
} with a count of { $right ->
    [working] working days
   *[calendar] calendar days
}
    .help = which is longer depends on the days in between; add both to the same date and compare the dates (`request.at + 10 working days < request.at + 14 days`)
E0107-unordered = values of type { $type } have no order
    .help = `<`, `<=`, `>`, `>=` compare numbers, dates, durations and members of `ordered` enums
E0107-fact-not-list-of-records = a fact is a list of records, such as `[Dataset]`
E0107-not-an-institution = `{ $name }` is { $type }, not an institution or a list of them

## warning
W0001-unused-param = param `{ $name }` is never used
    .help = use it in a rule or value, or remove it
W0002-unused-value = value `{ $name }` is never used
    .help = use it in a rule, report it with `reported as`, or remove it
W0105-never-in-force = `{ $rule }` is grounded in nothing in force while `{ $package }` is ({ $period }): it never applies
    .help = cite a provision in force in the package's period, or remove the rule
W0107-uncited-interpretation = interpretation `{ $name }` is cited by nothing
    .help = cite it from the rules that rest on it: `cites reading { $name }`
W0109-unlabelled = { $what ->
        [enum] enum
        [member] enum member
        [record] record
        [field] field
        [kind] request kind
        [role] role
       *[scenario] scenario
    } `{ $name }` has no label: a decision document would show its code
    .help = { $what ->
        [role] label it in the package or the prelude: `labels role {"{"} { $name } "…" {"}"}`
        [scenario] label it in the package or the prelude: `labels scenario {"{"} { $name } "…" {"}"}`
        [member] write its label after it, in quotes
        [field] write its label after it, in quotes
       *[other] write its label after its declaration's name, in quotes
    }
W0003-noted-but-cited = { $provision } is cited by rules, but the coverage note says it is not encoded
    .help = drop the note, or the citations if the note is right
W0108-blames-the-schema = this `not_decidable` note gives a missing field or fact as the reason
    .help = say what the provision is (a duty of management, a goal, a dated milestone); if it decides requests once a field exists, add the field and encode it, or say `not_encoded` and what is missing
example = { $conditions }
example-any-request = any request
example-is = `{ $name }` is `{ $member }`
example-true = `{ $name }` is true
example-false = `{ $name }` is false
W0101-conflict = `{ $first }` and `{ $second }` can both decide a `{ $kind }` request, with different effects, and neither overrides the other
    .label = the other rule
    .help = for example a request where { $example }; decide which is the exception (`exception … over …`), or make their conditions exclusive
W0102-gap = some `{ $kind }` requests are decided by no rule and fall to `otherwise` ({ $gaps } of { $total } combinations)
    .help = for example a request where { $example }
W0103-never-holds = the condition of `{ $rule }` can never hold
    .help = no combination of the values it tests satisfies it (or guards always decide first)
W0104-always-overridden = `{ $rule }` never decides: wherever it applies, an exception overrides it
    .help = its exceptions cover every case it applies to; drop it or narrow them
W0106-too-many-conditions = `{ $kind }` requests were not checked for conflicts and gaps: their rules depend on too many conditions
    .help = { $enums } enum conditions and { $others } other conditions; at most { $max } combinations are enumerated
period-always = always
period-from = { $from }..
period-until = ..{ $until }
period-from-until = { $from }..{ $until }

## phrases: what the parser expected (English text as the parser writes it)
# Keywords are not worded here: the parser names them from the keyword table (lang/src/keywords.rs),
# in the keyword language of the file. These frame them: `$code` a keyword and its placeholder,
# `$keywords` a list of keywords, `$example` a citation written as the file cites.
phrase-on-kind = { $code }
phrase-over-rule = { $code }
phrase-an-effect-of = an effect ({ $keywords })
phrase-a-severity-of = a severity ({ $keywords })
phrase-a-citation-such-as = a citation such as { $example }
phrase-an-article-such-as = an article such as { $example }
phrase-a-label = a label
phrase-a-name-and-its-label = a name and its label
phrase-or = `+` or `-`
phrase-field = `.field`
phrase-key = `[key]`
phrase-adopted-by-on-date = `adopted by "…" on DATE`
phrase-any-or-all = `any` or `all`
phrase-garbled-duplicated-or-target = `garbled`, `duplicated` or `target`
phrase-means = `means "…"`
phrase-missing = `missing`
phrase-says = `says "…"`
phrase-when-condition-value = `when CONDITION => VALUE`
phrase-when-condition = `when CONDITION`
phrase-a-chapter-number = a chapter number
phrase-a-chapter-title = a chapter title
phrase-a-citation = a citation
phrase-a-code = a code
phrase-a-collection = a collection
phrase-a-comparison = a comparison
phrase-a-condition = a condition
phrase-a-date = a date
phrase-a-date-yyyy-mm-dd = a date (YYYY-MM-DD)
phrase-a-date-or-unknown = a date or `unknown`
phrase-a-deadline-code = a deadline code
phrase-a-declaration = a declaration
phrase-a-default = a default
phrase-a-duration = a duration
phrase-a-fact = a fact
phrase-a-fact-name = a fact name
phrase-a-field = a field
phrase-a-field-name = a field name
phrase-a-field-type = a field type
phrase-a-kind-name = a kind name
phrase-a-member-name = a member name
phrase-a-name = a name
phrase-a-number = a number
phrase-a-package-name = a package name
phrase-a-paragraph = a paragraph
phrase-a-paragraph-number = a paragraph number
phrase-a-param-name = a param name
phrase-a-part = a part
phrase-a-party = a party
phrase-a-reason = a reason
phrase-a-reason-code = a reason code
phrase-a-reason-text = a reason text
phrase-a-reason-obligation-deadline-or-finding = a reason, obligation, deadline or finding
phrase-a-record = a record
phrase-a-record-name = a record name
phrase-a-regulation-entry = a regulation entry
phrase-a-regulation-id = a regulation id
phrase-a-request-kind = a request kind
phrase-a-request-record = a request record
phrase-a-rule = a rule
phrase-a-scope = a scope
phrase-a-severity = a severity
phrase-a-start-date = a start date
phrase-a-string = a string
phrase-a-subject = a subject
phrase-a-test = a test
phrase-a-test-name = a test name
phrase-a-test-value = a test value
phrase-a-tier = a tier
phrase-a-tier-name = a tier name
phrase-a-title = a title
phrase-a-type = a type
phrase-a-unit = a unit
phrase-a-value = a value
phrase-a-value-definition = a value definition
phrase-a-value-name = a value name
phrase-an-article = an article
phrase-an-article-body = an article body
phrase-an-article-number = an article number
phrase-an-effect = an effect
phrase-an-enum = an enum
phrase-an-enum-member = an enum member
phrase-an-enum-name = an enum name
phrase-an-error-code = an error code
phrase-an-exception-name = an exception name
phrase-an-expectation = an expectation
phrase-an-expression = an expression
phrase-an-interpretation = an interpretation
phrase-an-item-number = an item number
phrase-an-operand = an operand
phrase-an-outcome = an outcome
phrase-regulation-metadata = regulation metadata
phrase-the-article-text = the article text
phrase-the-date-it-was-adopted = the date it was adopted
phrase-the-deadline-text = the deadline text
phrase-the-default-value = the default value
phrase-the-end-of-the-declaration = the end of the declaration
phrase-the-finding-text = the finding text
phrase-the-interpretation-s-name = the interpretation's name
phrase-the-item-text = the item text
phrase-the-obligation-text = the obligation text
phrase-the-paragraph-text = the paragraph text
phrase-the-remedy-text = the remedy text
phrase-the-run-of-text = the run of text
phrase-who-adopted-it = who adopted it
phrase-why-the-rules-agree = why the rules agree

# Every code's title, as docs/diagnostics.md lists them (tests/docs.rs keeps the two equal).
E0001-title = the text does not follow the grammar
E0002-title = a number is too large
E0003-title = a well-formed date that does not exist
E0004-title = `all` without a condition
E0005-title = a file that mixes English and Chinese keywords
E0006-title = an expression nested too deep
E0101-title = an unknown name
E0102-title = an unknown field, enum member or rank
E0103-title = an unknown regulation
E0104-title = a citation of an article, paragraph or item the regulation does not have
E0105-title = exceptions that override each other in a cycle
E0106-title = something declared twice
E0107-title = a type error
E0108-title = an unknown request kind
E0109-title = an unknown type or record
E0110-title = `over` names no rule or exception it can override
E0111-title = an unknown base package, or packages that extend each other in a cycle
E0112-title = a citation of an article of a regulation whose text is not available
E0113-title = a bare `§N` in a package with no regulation, or several
E0114-title = a value that depends on itself
E0115-title = a declaration that cites nothing
E0116-title = a request kind with rules but no `otherwise`
E0117-title = an outcome of the wrong shape
E0118-title = a file without its `package` line first, or with two
E0119-title = paragraphs or items not numbered in order
E0120-title = a test without a `request`
E0121-title = a replacement of a base package's declaration without `override`
E0122-title = an `override` that replaces nothing
E0123-title = a `use` of a kind the package decides itself, or that the other package does not
E0124-title = a rank conflict (上位法优先)
E0125-title = a period that ends before it starts, or versions out of order
E0126-title = a citation of a provision with no version in force while its regulation is
E0127-title = a quotation that is not in the text it quotes
E0128-title = an unknown interpretation, or one that reads another
E0129-title = a regulation whose declarations contradict each other
E0130-title = a fact or request kind declared outside the prelude
E0131-title = a test that expects what nothing of its package produces
W0001-title = a param nothing uses
W0002-title = a value nothing uses or reports
W0003-title = a coverage note on a provision that rules cite
W0101-title = a conflict: two rules that can both decide a request with different effects
W0102-title = a gap: requests that no rule decides
W0103-title = a rule whose condition can never hold
W0104-title = a rule that never decides: exceptions override it wherever it applies
W0105-title = a rule grounded in nothing in force while its package's regulation is
W0106-title = a request kind with too many conditions to analyse
W0107-title = an interpretation nothing cites
W0108-title = a `not_decidable` note that blames a missing field or fact
W0109-title = something a decision document shows that has no label
