//! A grammar-aware fuzzer, bounded so that it runs in `cargo test --workspace` (a few seconds in
//! a debug build): seeded, so a failure is reproduced by its seed. Policies are generated from
//! the expression grammar — long flat chains, deep nesting of every kind, multi-byte names and
//! text, the same items in two files — and cut at random bytes; requests with every field of
//! the wrong type, unknown fields, huge strings and deep JSON. The properties: nothing panics or
//! overflows a 2 MiB stack, and every diagnostic's spans lie inside its file on character
//! boundaries. Inputs that once crashed are fixtures in `tests/fuzz/` (`tests/robustness.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

/// xorshift64*: small, seeded, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const ATOMS: &[&str] = &[
    "dataset.share == conditional",
    "request.scenario == \"公共卫生\"",
    "request.at >= 2026-01-01",
    "dataset.id in {\"a\", \"b\"}",
    "requester is missing",
    "any b in dataset.legal_basis: b.rank >= law",
    "applies demo-2024",
    "true",
    "数据 == 1",
    "request.at + 10 working days > 2026-02-01",
    "1 + 2 - 3 == 0",
    "x[\"键\"].y exists",
];

/// An expression about `depth` levels deep, with chains up to `width` terms.
fn expr(rng: &mut Rng, depth: usize, width: usize) -> String {
    if depth == 0 {
        return rng.pick(ATOMS).to_string();
    }
    match rng.below(7) {
        0 => format!("not ({})", expr(rng, depth - 1, width)),
        1 => format!("({})", expr(rng, depth - 1, width)),
        2 => format!("any x in [{}]: true", expr(rng, depth - 1, width)),
        3 => {
            let n = 2 + rng.below(width);
            let op = rng.pick(&[" or ", " and ", " 或 ", " 且 "]);
            (0..n)
                .map(|i| {
                    // One operand goes deeper; the others are atoms, so the text stays linear.
                    let d = if i == 0 { depth - 1 } else { 0 };
                    expr(rng, d, width)
                })
                .collect::<Vec<_>>()
                .join(op)
        }
        4 => {
            let n = 2 + rng.below(width);
            let terms: Vec<String> = (0..n).map(|i| i.to_string()).collect();
            format!("{} > {}", terms.join(" + "), expr(rng, 0, width).len())
        }
        5 => format!("each y in x where ({})", expr(rng, depth - 1, width)),
        _ => format!("a{}.b", "[1]".repeat(rng.below(depth * 2))),
    }
}

fn policy(rng: &mut Rng, depth: usize, width: usize) -> String {
    let mut s = String::from(
        "// 生成的策略：中文注释让字节偏移与字符偏移不同。\npackage demo\n\n\
         regulation demo-2024 \"示例市公共数据管理办法\" {\n  rank rule\n  article 1 \"公共数据实行统一目录管理。\"\n}\n\n",
    );
    for i in 0..1 + rng.below(3) {
        s.push_str(&format!(
            "check c{i} on share cites §1\n  when {}\n  => finding f{i} warning on dataset.id \"第{i}项\"\n\n",
            expr(rng, depth, width)
        ));
    }
    s
}

fn check(files: &[String]) {
    let mut sources = datalex_lang::SourceMap::new();
    for (i, f) in files.iter().enumerate() {
        sources.add(format!("f{i}.dlx"), f.clone());
    }
    let compiled = datalex_compiler::compile(&sources);
    for d in &compiled.diagnostics {
        for span in std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)) {
            let Some(src) = sources.get(span.file) else {
                continue;
            };
            let (s, e) = (span.start as usize, span.end as usize);
            assert!(s <= e && e <= src.text.len(), "{:?} {span:?}", d.code);
            assert!(
                src.text.is_char_boundary(s) && src.text.is_char_boundary(e),
                "{:?} {span:?} splits a character",
                d.code
            );
        }
    }
    datalex_lang::diagnostic::render(
        &compiled.diagnostics,
        &sources,
        false,
        datalex_i18n::Lang::Zh,
    );
    for f in files {
        let _ = datalex_lang::format::format(f);
    }
}

fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic, no overflow");
}

#[test]
fn generated_policies_never_crash() {
    on_small_stack(|| {
        for seed in 1..=40u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let depth = [2, 8, 40, 200][rng.below(4)];
            let width = [3, 50, 2_000][rng.below(3)];
            let a = policy(&mut rng, depth.min(60), width);
            // The same items in a second file (E0106 across files), and a cut copy.
            let b = a.clone();
            let mut cut = rng.below(a.len());
            while !a.is_char_boundary(cut) {
                cut -= 1;
            }
            let half = a[..cut].to_string();
            check(&[a, b, half]);
            // Nesting far beyond the limit, of one kind at a time.
            let deep = match seed % 4 {
                0 => format!("{}true{}", "(".repeat(depth * 10), ")".repeat(depth * 10)),
                1 => format!("{}true", "not ".repeat(depth * 10)),
                2 => format!("a{}", ".b".repeat(depth * 10)),
                _ => format!("{}1{}", "[".repeat(depth * 10), "]".repeat(depth * 10)),
            };
            check(&[format!(
                "package demo\ncheck d on share cites §1\n  when {deep}\n  => finding f warning on \"x\" \"y\"\n"
            )]);
        }
    });
}

/// A JSON value with every shape at once: wrong types, unknown fields, long strings, nesting.
fn json_value(rng: &mut Rng, depth: usize) -> serde_json::Value {
    use serde_json::json;
    match rng.below(if depth == 0 { 5 } else { 8 }) {
        0 => json!(null),
        1 => json!(rng.next() as i64),
        2 => json!(rng.pick(&[
            "2026-03-02",
            "9999-12-31",
            "0000-00-00",
            "",
            "中文",
            "share"
        ])),
        3 => json!("长".repeat(rng.below(100_000))),
        4 => json!(-1.5e300),
        5 => serde_json::Value::Array(
            (0..rng.below(5))
                .map(|_| json_value(rng, depth - 1))
                .collect(),
        ),
        _ => {
            let mut m = serde_json::Map::new();
            for _ in 0..rng.below(5) {
                let k = rng
                    .pick(&[
                        "kind",
                        "at",
                        "dataset",
                        "requester",
                        "scenario",
                        "未知",
                        "datasets",
                    ])
                    .to_string();
                m.insert(k, json_value(rng, depth - 1));
            }
            serde_json::Value::Object(m)
        }
    }
}

#[test]
fn generated_requests_are_read_or_refused_never_crash() {
    let today = datalex_lang::date::Date::parse("2026-03-02").expect("a date");
    on_small_stack(move || {
        let kinds = ["share", "open", "develop", "catalog_change", "未知", ""];
        for seed in 1..=400u64 {
            let mut rng = Rng(seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
            let mut v = json_value(&mut rng, 6);
            if let serde_json::Value::Object(m) = &mut v {
                m.insert("kind".into(), serde_json::json!(rng.pick(&kinds)));
            }
            let _ = datalex_evaluator::Request::from_json(&v, today);
        }
        // JSON nested past serde_json's recursion limit is refused as JSON, not a crash.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(serde_json::from_str::<serde_json::Value>(&deep).is_err());
    });
}
