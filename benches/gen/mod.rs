//! A generated policy set for the compiler benchmarks: one package `gen` with a regulation, params,
//! values and rules for `share`, `open` and `catalog_change` requests, written in the language
//! as a policy author would write it, so that parsing, name resolution, citation checks and type
//! checking all do real work.
//!
//! The output is deterministic (a fixed-seed xorshift generator), so every run benchmarks the
//! same text.

use std::fmt::Write as _;

/// How big the generated policy set is.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Articles of the regulation (each has two paragraphs; every third has items).
    pub articles: u32,
    /// Params (durations and dates).
    pub params: usize,
    /// Derived values.
    pub values: usize,
    /// Guards, rules, exceptions and checks, not counting the `otherwise` of each kind.
    pub rules: usize,
}

impl Shape {
    /// The set of the `compile/generated_10k` benchmark.
    pub const TEN_K: Shape = Shape {
        articles: 200,
        params: 100,
        values: 100,
        rules: 10_000,
    };

    /// A set of `rules` rules with the rest in the proportions of [`Shape::TEN_K`] (an article
    /// for every 50 rules, a param and a value for every 100, at least 20, 10 and 10), so that
    /// sets of different sizes differ in size only: `scaled(10_000)` is `TEN_K`.
    pub fn scaled(rules: usize) -> Shape {
        Shape {
            articles: u32::try_from(rules / 50).unwrap_or(u32::MAX).max(20),
            params: (rules / 100).max(10),
            values: (rules / 100).max(10),
            rules,
        }
    }
}

/// The request kinds the generated rules are for.
const KINDS: [Kind; 3] = [Kind::Share, Kind::Open, Kind::CatalogChange];

/// The files of the generated package, as (name, text).
pub fn generate(shape: Shape) -> Vec<(String, String)> {
    let mut g = Gen {
        rng: Rng(0x9E37_79B9_7F4A_7C15),
        shape,
        periods: Vec::new(),
        intervals: Vec::new(),
        dates: Vec::new(),
        values: Vec::new(),
    };
    let mut files = vec![
        ("policies/gen/regulation.dlx".to_string(), g.regulation()),
        ("policies/gen/params.dlx".to_string(), g.params()),
        ("policies/gen/values.dlx".to_string(), g.values()),
    ];
    files.extend(g.rules());
    files
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Share,
    Open,
    CatalogChange,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Share => "share",
            Kind::Open => "open",
            Kind::CatalogChange => "catalog_change",
        }
    }

    /// Who acts on an obligation of a decision of this kind.
    fn party(self) -> &'static str {
        match self {
            Kind::Share | Kind::Open => "requester",
            Kind::CatalogChange => "institution",
        }
    }

    /// The subject of a finding.
    fn subject(self) -> &'static str {
        match self {
            Kind::Share | Kind::Open => "dataset.id",
            Kind::CatalogChange => "request.institution",
        }
    }
}

/// Which kinds a value is defined on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum On {
    One(Kind),
    All,
}

impl On {
    fn covers(self, k: Kind) -> bool {
        match self {
            On::All => true,
            On::One(x) => x == k,
        }
    }

    fn names(self) -> String {
        match self {
            On::One(k) => k.name().to_string(),
            On::All => KINDS.map(Kind::name).join(", "),
        }
    }
}

/// A declared value that conditions may use.
struct Value {
    name: String,
    on: On,
    /// `Bool` values are conditions on their own; the others are compared with `==`.
    test: Option<&'static str>,
}

/// A deciding rule or exception that a later exception may override.
struct Target {
    name: String,
    depth: u8,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

struct Gen {
    rng: Rng,
    shape: Shape,
    /// Params in working days.
    periods: Vec<String>,
    /// Params in calendar days.
    intervals: Vec<String>,
    /// Params that are dates.
    dates: Vec<String>,
    values: Vec<Value>,
}

/// Every third article has items in its second paragraph.
fn has_items(article: u32) -> bool {
    article.is_multiple_of(3)
}

const SHARE_ATOMS: &[&str] = &[
    "dataset.share == conditional",
    "dataset.share in {conditional, not_shared}",
    "dataset.share != not_shared",
    "request.scenario in requester.duties",
    "request.scenario not in dataset.share_conditions.scenarios",
    "requester.id in dataset.share_conditions.institutions",
    "dataset.share_conditions.institutions is missing",
    "requester.big_data_authority == true",
    "requester.level >= city",
    "requester.kind == government",
    "provider.level <= requester.level",
    "(any c in dataset.categories: c in requester.duties)",
    "request.purpose != \"\"",
];

const OPEN_ATOMS: &[&str] = &[
    "dataset.open == conditional",
    "dataset.open in {unconditional, conditional}",
    "dataset.open != not_open",
    "request.requester.type == citizen",
    "request.requester.type in {legal_person, organization}",
    "dataset.openable_after_desensitization == true",
    "provider.kind == government",
    "provider.level >= city",
    "request.purpose != \"\"",
    "dataset.security_level < important",
];

const CATALOG_ATOMS: &[&str] = &[
    "request.change in {modify, delete}",
    "request.change == add",
    "request.filed_on > request.basis_changed_on + {period}",
    "request.filed_on <= request.basis_changed_on + {period}",
    "institution.level >= city",
    "institution.big_data_authority == true",
    "institution.kind in {government, public_institution}",
    "request.institution == dataset.provider",
    "(any d in institution.duties: d in dataset.categories)",
];

/// Conditions that hold meaning for every kind with a dataset.
const COMMON_ATOMS: &[&str] = &[
    "dataset.security_level >= important",
    "dataset.security_level == core",
    "(any b in dataset.legal_basis: b.rank >= administrative_regulation)",
    "not (any b in dataset.legal_basis: b.rank >= local_regulation)",
    "(all b in dataset.legal_basis: b.rank >= normative_document)",
    "dataset.last_evaluated < request.at - {interval}",
    "dataset.last_evaluated is missing",
    "request.at >= {date}",
    "request.at < {date} + {interval}",
    "dataset.id exists",
    "dataset.id in [\"gen-0001\", \"gen-0002\", \"gen-0003\"]",
    "dataset.name != \"\"",
    "(any c in dataset.categories: c in [\"health\", \"transport\", \"credit\"])",
    "dataset.key_identifiers exists",
];

impl Gen {
    /// One to two citations of articles, paragraphs or items that exist.
    fn cites(&mut self) -> String {
        let n = 1 + usize::from(self.rng.chance(25));
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let a = 1 + self.rng.below(self.shape.articles as usize) as u32;
            out.push(match self.rng.below(4) {
                0 | 1 => format!("§{a}"),
                2 => format!("§{a}.{}", 1 + self.rng.below(2)),
                _ if has_items(a) => format!("§{a}.2.{}", 1 + self.rng.below(3)),
                _ => format!("§{a}.1"),
            });
        }
        format!("cites {}", out.join(", "))
    }

    fn regulation(&mut self) -> String {
        let mut s = String::from("// Generated for the compiler benchmarks.\npackage gen\n\n");
        s.push_str("regulation gen-2024 \"基准测试生成办法\" {\n");
        s.push_str("  issuer \"基准测试\"\n  number \"基准测试令第1号\"\n");
        s.push_str("  rank local_regulation\n  in force from 2024-01-01\n");
        for a in 1..=self.shape.articles {
            if a % 20 == 1 {
                let _ = writeln!(s, "\n  chapter {} \"第{}章\"\n", 1 + a / 20, 1 + a / 20);
            }
            let _ = writeln!(s, "  article {a} {{");
            let _ = writeln!(
                s,
                "    para 1 \"第{a}条第1款：公共管理和服务机构应当依法履行公共数据管理职责。\""
            );
            if has_items(a) {
                let _ = writeln!(
                    s,
                    "    para 2 \"第{a}条第2款：有下列情形之一的，依照本条处理：\" {{"
                );
                for i in 1..=3 {
                    let _ = writeln!(s, "      item {i} \"第{a}条第2款第{i}项。\"");
                }
                s.push_str("    }\n");
            } else {
                let _ = writeln!(
                    s,
                    "    para 2 \"第{a}条第2款：大数据工作主管部门负责监督检查。\""
                );
            }
            s.push_str("  }\n");
        }
        s.push_str("}\n");
        s
    }

    fn params(&mut self) -> String {
        let mut s = String::from("package gen\n\n");
        for i in 0..self.shape.params {
            let cites = self.cites();
            let (name, value) = match i % 10 {
                0..=5 => {
                    let n = format!("gen_period_{i}");
                    self.periods.push(n.clone());
                    (n, format!("{} working days", 2 + i % 18))
                }
                6..=8 => {
                    let n = format!("gen_interval_{i}");
                    self.intervals.push(n.clone());
                    (n, format!("{} days", 30 + 3 * i))
                }
                _ => {
                    let n = format!("gen_date_{i}");
                    self.dates.push(n.clone());
                    (n, format!("2024-{:02}-01", 1 + i % 12))
                }
            };
            let _ = writeln!(
                s,
                "param {name} = {value} {cites}\n  \"生成的期限或日期{i}\"\n"
            );
        }
        s
    }

    /// Fills the `{period}`, `{interval}` and `{date}` holes of an atom with params.
    fn fill(&mut self, atom: &str) -> String {
        let mut out = atom.to_string();
        while out.contains("{period}") {
            let p = self.rng.pick(&self.periods).clone();
            out = out.replacen("{period}", &p, 1);
        }
        while out.contains("{interval}") {
            let p = self.rng.pick(&self.intervals).clone();
            out = out.replacen("{interval}", &p, 1);
        }
        while out.contains("{date}") {
            let p = self.rng.pick(&self.dates).clone();
            out = out.replacen("{date}", &p, 1);
        }
        out
    }

    /// One condition for requests of the kinds `on`.
    fn atom(&mut self, on: On, use_values: bool) -> String {
        if use_values && self.rng.chance(20) {
            let usable: Vec<usize> = (0..self.values.len())
                .filter(|&i| match (on, self.values[i].on) {
                    (_, On::All) => true,
                    (On::One(k), v) => v.covers(k),
                    (On::All, On::One(_)) => false,
                })
                .collect();
            if !usable.is_empty() {
                let v = &self.values[*self.rng.pick(&usable)];
                return match v.test {
                    None => v.name.clone(),
                    Some(t) => format!("{} == {t}", v.name),
                };
            }
        }
        let pool: &[&str] = match on {
            On::All => COMMON_ATOMS,
            On::One(_) if self.rng.chance(40) => COMMON_ATOMS,
            On::One(Kind::Share) => SHARE_ATOMS,
            On::One(Kind::Open) => OPEN_ATOMS,
            On::One(Kind::CatalogChange) => CATALOG_ATOMS,
        };
        let a = *self.rng.pick(pool);
        self.fill(a)
    }

    /// A condition of one to four atoms, sometimes with an `or`.
    fn condition(&mut self, on: On, use_values: bool) -> String {
        let n = 1 + self.rng.below(4);
        let mut parts = Vec::with_capacity(n);
        for _ in 0..n {
            if self.rng.chance(10) {
                let a = self.atom(on, use_values);
                let b = self.atom(on, use_values);
                parts.push(format!("({a} or {b})"));
            } else {
                parts.push(self.atom(on, use_values));
            }
        }
        parts.join("\n   and ")
    }

    /// A last `any` condition whose element `e` the outcome may name.
    fn witness(&mut self, on: On) -> String {
        let mut w =
            String::from("any e in emergencies: e.start <= request.at and request.at <= e.end");
        if on == On::One(Kind::Share) {
            w.push_str(" and requester.id in e.responders");
        }
        w
    }

    fn values(&mut self) -> String {
        let mut s = String::from("package gen\n\n");
        for i in 0..self.shape.values {
            let on = match i % 4 {
                0 => On::One(Kind::Share),
                1 => On::One(Kind::Open),
                2 => On::One(Kind::CatalogChange),
                _ => On::All,
            };
            let name = format!("gen_value_{i}");
            let kinds = on.names();
            let cites = self.cites();
            match (i / 4) % 5 {
                0..=2 => {
                    let cond = self.condition(on, true);
                    let _ = writeln!(s, "value {name}: Bool on {kinds} {cites} =\n  {cond}\n");
                    self.values.push(Value {
                        name,
                        on,
                        test: None,
                    });
                }
                3 if on == On::One(Kind::Share) || on == On::One(Kind::Open) => {
                    let (ty, default, up, down, test) = if on == On::One(Kind::Share) {
                        (
                            "ShareTier",
                            "dataset.share",
                            "unconditional",
                            "not_shared",
                            "ShareTier.conditional",
                        )
                    } else {
                        (
                            "OpenTier",
                            "dataset.open",
                            "unconditional",
                            "not_open",
                            "OpenTier.conditional",
                        )
                    };
                    let (c1, c2, c3) = (self.cites(), self.cites(), self.cites());
                    let w1 = self.condition(on, true);
                    let w2 = self.condition(on, true);
                    let w3 = self.witness(on);
                    let _ = writeln!(
                        s,
                        "value {name}: {ty} on {kinds} {cites} {{\n  default {default}\n  \
                         exception lowered_{i} {c1}\n    when {w1}\n    => {down}\n       \
                         finding gen_value_finding_{i} warning on dataset.id \"生成的发现{i}\"\n  \
                         exception raised_{i} over lowered_{i} {c2}\n    when {w2}\n    => {up}\n       \
                         reason gen_value_reason_{i} \"生成的理由{i}\"\n  \
                         exception emergency_{i} over raised_{i}, lowered_{i} {c3}\n    when {w3}\n    => {up}\n       \
                         obligation gen_value_obligation_{i} on requester until e.end \"生成的义务{i}\"\n}}\n"
                    );
                    self.values.push(Value {
                        name,
                        on,
                        test: Some(test),
                    });
                }
                _ => {
                    let (c1, c2) = (self.cites(), self.cites());
                    let w1 = self.condition(on, true);
                    let w2 = self.condition(on, true);
                    let _ = writeln!(
                        s,
                        "value {name}: Bool on {kinds} {cites} {{\n  default false\n  \
                         exception applies_{i} {c1}\n    when {w1}\n    => true\n       \
                         finding gen_value_finding_{i} info on dataset.id \"生成的发现{i}\"\n  \
                         exception not_applies_{i} over applies_{i} {c2}\n    when {w2}\n    => false\n       \
                         reason gen_value_reason_{i} \"生成的理由{i}\"\n}}\n"
                    );
                    self.values.push(Value {
                        name,
                        on,
                        test: None,
                    });
                }
            }
        }
        s
    }

    /// Parts of a deciding outcome: obligations and deadlines.
    fn deciding_parts(&mut self, kind: Kind, j: usize, witness: bool) -> String {
        let mut s = String::new();
        if self.rng.chance(50) {
            let until = if witness {
                " until e.end".to_string()
            } else if self.rng.chance(30) {
                let i = self.rng.pick(&self.intervals).clone();
                format!(" until request.at + {i}")
            } else {
                String::new()
            };
            let _ = write!(
                s,
                "\n     obligation gen_obligation_{j} on {}{until} \"生成的义务{j}。\"",
                kind.party()
            );
            if self.rng.chance(30) {
                let c = self.cites();
                let _ = write!(s, " {c}");
            }
        }
        if self.rng.chance(40) {
            let p = self.rng.pick(&self.periods).clone();
            let c = self.cites();
            let _ = match kind {
                Kind::CatalogChange => write!(
                    s,
                    "\n     deadline gen_deadline_{j} on institution within {p} from request.basis_changed_on\n       \
                     met by request.filed_on\n       \"生成的期限{j}。\" {c}"
                ),
                Kind::Share | Kind::Open => write!(
                    s,
                    "\n     deadline gen_deadline_{j} on provider within {p} from request.at\n       \
                     \"生成的期限{j}。\" {c}"
                ),
            };
        }
        s
    }

    fn effect(&mut self) -> &'static str {
        const EFFECTS: [&str; 4] = ["permit", "review", "review", "deny"];
        EFFECTS[self.rng.below(EFFECTS.len())]
    }

    /// The rules, one file per kind, as (name, text).
    fn rules(&mut self) -> Vec<(String, String)> {
        let mut texts: Vec<String> = KINDS
            .iter()
            .map(|k| format!("package gen\n\n// Generated {} rules.\n\n", k.name()))
            .collect();
        let mut targets: Vec<Vec<Target>> = KINDS.iter().map(|_| Vec::new()).collect();
        for j in 0..self.shape.rules {
            let ki = j % KINDS.len();
            let kind = KINDS[ki];
            let on = On::One(kind);
            let cites = self.cites();
            let text = match j % 20 {
                // Guards, some for every kind.
                0 => {
                    let all = self.rng.chance(30);
                    let on = if all { On::All } else { on };
                    let cond = self.condition(on, true);
                    format!(
                        "guard gen_guard_{j} on {} {cites}\n  when {cond}\n  => deny gen_guard_{j} \"生成的拒绝理由{j}。\"\n",
                        on.names()
                    )
                }
                // Checks with findings, some for every kind.
                1..=3 => {
                    let all = self.rng.chance(20);
                    let on = if all { On::All } else { on };
                    let cond = self.condition(on, true);
                    let subject = if all { "dataset.id" } else { kind.subject() };
                    let sev = *self.rng.pick(&["info", "warning", "violation"]);
                    let mut t = format!(
                        "check gen_check_{j} on {} {cites}\n  when {cond}\n  => finding gen_finding_{j} {sev} on {subject}\n       \"生成的发现{j}。\"",
                        on.names()
                    );
                    if self.rng.chance(30) {
                        let c = self.cites();
                        let _ = write!(
                            t,
                            "\n     finding gen_finding_{j}_b info on {subject} \"生成的补充发现{j}。\" {c}"
                        );
                    }
                    t.push('\n');
                    t
                }
                // Exceptions over one or two earlier rules or exceptions of the kind, depth ≤ 3.
                12..=19 if !targets[ki].is_empty() => {
                    let kt = &targets[ki];
                    let window = kt.len().min(60);
                    let candidates: Vec<usize> = (kt.len() - window..kt.len())
                        .filter(|&t| kt[t].depth < 3)
                        .collect();
                    let first = *self.rng.pick(&candidates);
                    let mut over = vec![first];
                    if self.rng.chance(30) {
                        let second = *self.rng.pick(&candidates);
                        if second != first {
                            over.push(second);
                        }
                    }
                    let depth = 1 + over.iter().map(|&t| kt[t].depth).max().unwrap_or(0);
                    let over_names: Vec<&str> = over.iter().map(|&t| kt[t].name.as_str()).collect();
                    let over_text = over_names.join(", ");
                    let name = format!("gen_exception_{j}");
                    let witness = self.rng.chance(15);
                    let mut cond = self.condition(on, true);
                    if witness {
                        let w = self.witness(on);
                        cond = format!("{cond}\n   and {w}");
                    }
                    let eff = self.effect();
                    let rc = self.cites();
                    let parts = self.deciding_parts(kind, j, witness);
                    targets[ki].push(Target {
                        name: name.clone(),
                        depth,
                    });
                    format!(
                        "exception {name} over {over_text} on {} {cites}\n  when {cond}\n  => {eff} gen_exception_{j} \"生成的例外{j}。\"\n     \
                         reason gen_reason_{j} \"生成的例外理由{j}。\" {rc}{parts}\n",
                        kind.name()
                    )
                }
                // Rules.
                _ => {
                    let name = format!("gen_rule_{j}");
                    let witness = self.rng.chance(15);
                    let mut cond = self.condition(on, true);
                    if witness {
                        let w = self.witness(on);
                        cond = format!("{cond}\n   and {w}");
                    }
                    let eff = self.effect();
                    let parts = self.deciding_parts(kind, j, witness);
                    targets[ki].push(Target {
                        name: name.clone(),
                        depth: 0,
                    });
                    format!(
                        "rule {name} on {} {cites}\n  when {cond}\n  => {eff} gen_rule_{j} \"生成的规则{j}。\"{parts}\n",
                        kind.name()
                    )
                }
            };
            texts[ki].push_str(&text);
            texts[ki].push('\n');
        }
        for (ki, k) in KINDS.iter().enumerate() {
            let _ = writeln!(
                texts[ki],
                "otherwise on {} cites §1\n  => deny no_applicable_rule \"没有规则准许该申请，不予办理。\"",
                k.name()
            );
        }
        KINDS
            .iter()
            .zip(texts)
            .map(|(k, t)| (format!("policies/gen/{}.dlx", k.name()), t))
            .collect()
    }
}
