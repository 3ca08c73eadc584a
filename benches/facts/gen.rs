//! Generated facts: a catalog and an institution list of any size, a handful of emergencies
//! and developers, as JSON text, so the real loader (`Facts::from_files`) reads them.
//!
//! Deterministic: the same [`Shape`] always gives the same text. A few *anchor* records, the
//! same whatever the size, are what the requests of `super::CASES` ask about, so every request
//! kind decides the same way (and allocates the same) on a catalog of 10 or of 10,000 datasets;
//! the rest is varied filler spread around them. `gen-sl` (the flood dataset's provider) is
//! filler institution 0, always first.

use serde_json::{json, Value};

/// How many records of each kind.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Catalog entries (at least [`ANCHOR_DATASETS`]).
    pub datasets: usize,
    /// Institutions (at least [`ANCHOR_INSTITUTIONS`]).
    pub institutions: usize,
    /// Emergencies (at least 1).
    pub emergencies: usize,
    /// Developers (at least 1).
    pub developers: usize,
}

impl Shape {
    /// 10,000 datasets, 1,000 institutions, 5 emergencies, 5 developers.
    pub const TEN_K: Shape = Shape {
        datasets: 10_000,
        institutions: 1_000,
        emergencies: 5,
        developers: 5,
    };
}

/// The anchor datasets: the ones the requests name.
pub const ANCHOR_DATASETS: usize = 5;
/// The anchor institutions: requesters and providers of the anchor datasets.
pub const ANCHOR_INSTITUTIONS: usize = 5;

/// The JSON texts of a data directory.
#[derive(Debug, Clone)]
pub struct Generated {
    /// `catalog.json`.
    pub catalog: String,
    /// `institutions.json`.
    pub institutions: String,
    /// `emergencies.json`.
    pub emergencies: String,
    /// `developers.json`.
    pub developers: String,
}

impl Generated {
    /// The files by name, as `Facts::from_files` takes them.
    pub fn files(&self) -> [(&str, &str); 4] {
        [
            ("catalog.json", self.catalog.as_str()),
            ("institutions.json", self.institutions.as_str()),
            ("emergencies.json", self.emergencies.as_str()),
            ("developers.json", self.developers.as_str()),
        ]
    }
}

/// Generates facts of the given shape.
pub fn generate(shape: Shape) -> Generated {
    let mut rng = Rng(0x00da_7a1e_5eed);
    Generated {
        catalog: text(&catalog(shape, &mut rng)),
        institutions: text(&institutions(shape, &mut rng)),
        emergencies: text(&emergencies(shape)),
        developers: text(&developers(shape)),
    }
}

fn text(items: &[Value]) -> String {
    serde_json::to_string_pretty(items).unwrap_or_default()
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }

    /// 1 to `max` distinct items.
    fn some(&mut self, items: &[&str], max: usize) -> Vec<String> {
        let k = 1 + self.below(max);
        let mut out: Vec<String> = Vec::new();
        for _ in 0..k * 3 {
            if out.len() == k {
                break;
            }
            let s = self.pick(items).to_string();
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }
}

const SCENARIOS: [&str; 12] = [
    "public_health",
    "social_security",
    "school_enrollment",
    "taxation",
    "housing_fund",
    "market_regulation",
    "traffic_management",
    "employment",
    "water_resources",
    "real_estate_registration",
    "public_security",
    "education",
];

/// Filler categories; none is excluded from development, none is covered by an emergency.
const CATEGORIES: [&str; 10] = [
    "population",
    "enterprise",
    "credit",
    "traffic",
    "health",
    "education",
    "energy",
    "geospatial",
    "real_estate",
    "government_service",
];

const RANKS: [&str; 5] = [
    "law",
    "administrative_regulation",
    "local_regulation",
    "rule",
    "normative_document",
];

/// The anchor datasets, in the shape of the example catalog.
fn anchor_datasets() -> [Value; ANCHOR_DATASETS] {
    [
        // Conditional, backed by a law, conditions met by gen-wjw for public_health, evaluated
        // recently: a share request goes to review with the provider's reply deadline.
        json!({"id": "gen-ga-cond", "name": "人口基础信息", "provider": "gen-ga",
               "share": "conditional",
               "share_conditions": {"institutions": ["gen-wjw", "gen-rsj", "gen-yjj"],
                                    "scenarios": ["public_health", "social_security"]},
               "open": "not_open", "security_level": "important",
               "categories": ["population", "personal_information"],
               "legal_basis": [{"title": "中华人民共和国居民身份证法", "rank": "law",
                                "article": "第十九条"}],
               "key_identifiers": ["身份证号码"], "last_evaluated": "2025-06-30",
               "openable_after_desensitization": false}),
        // Unconditional sharing and opening.
        json!({"id": "gen-scj-open", "name": "企业登记信息", "provider": "gen-scj",
               "share": "unconditional", "open": "unconditional", "security_level": "general",
               "categories": ["enterprise"], "legal_basis": [],
               "key_identifiers": ["统一社会信用代码"],
               "openable_after_desensitization": false}),
        // Conditional opening.
        json!({"id": "gen-scj-credit", "name": "行政处罚信息", "provider": "gen-scj",
               "share": "unconditional", "open": "conditional", "security_level": "general",
               "categories": ["enterprise", "credit"], "legal_basis": [],
               "key_identifiers": ["统一社会信用代码"],
               "openable_after_desensitization": false}),
        // Not shared, covered by the flood emergency through its category.
        json!({"id": "gen-sl-flood", "name": "水库调度方案", "provider": "gen-sl",
               "share": "not_shared", "open": "not_open", "security_level": "important",
               "categories": ["hydrology", "flood_control"],
               "legal_basis": [{"title": "中华人民共和国防汛条例",
                                "rank": "administrative_regulation"}],
               "key_identifiers": [], "openable_after_desensitization": false}),
        // The subject of a catalog change.
        json!({"id": "gen-ga-vehicle", "name": "机动车登记信息", "provider": "gen-ga",
               "share": "conditional",
               "share_conditions": {"scenarios": ["traffic_management", "taxation"]},
               "open": "not_open", "security_level": "general",
               "categories": ["traffic", "vehicle"],
               "legal_basis": [{"title": "中华人民共和国道路交通安全法", "rank": "law"}],
               "key_identifiers": ["身份证号码"], "last_evaluated": "2026-01-10",
               "openable_after_desensitization": false}),
    ]
}

fn anchor_institutions() -> [Value; ANCHOR_INSTITUTIONS] {
    let inst = |id: &str, name: &str, duties: &[&str]| {
        json!({"id": id, "name": name, "kind": "government", "level": "city",
               "duties": duties, "big_data_authority": false})
    };
    [
        inst(
            "gen-ga",
            "公安局",
            &["public_security", "traffic_management"],
        ),
        inst(
            "gen-wjw",
            "卫生健康委员会",
            &["public_health", "medical_insurance"],
        ),
        inst(
            "gen-rsj",
            "人力资源和社会保障局",
            &["employment", "social_security"],
        ),
        inst("gen-scj", "市场监督管理局", &["market_regulation"]),
        inst("gen-yjj", "应急管理局", &["emergency_management"]),
        // gen-sl, the flood dataset's provider, is a filler id (see `institutions`).
    ]
}

/// Spreads `anchors` evenly over `n` slots, filling the rest with `filler(i)`.
fn spread(anchors: Vec<Value>, n: usize, mut filler: impl FnMut(usize) -> Value) -> Vec<Value> {
    let k = anchors.len();
    let n = n.max(k);
    let mut anchors = anchors.into_iter();
    let mut next_anchor = 0;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        // Anchor j goes to slot (2j + 1) * n / 2k.
        if next_anchor < k && i == (2 * next_anchor + 1) * n / (2 * k) {
            if let Some(a) = anchors.next() {
                out.push(a);
            }
            next_anchor += 1;
        } else {
            out.push(filler(i));
        }
    }
    out
}

fn catalog(shape: Shape, rng: &mut Rng) -> Vec<Value> {
    // Providers and listed institutions are filler institutions (0 is gen-sl).
    let providers = filler_institutions(shape) + 1;
    spread(anchor_datasets().to_vec(), shape.datasets, |i| {
        let provider = inst_id(rng.below(providers));
        let share = rng.pick(&["unconditional", "conditional", "not_shared"]);
        let open = rng.pick(&["unconditional", "conditional", "not_open"]);
        let mut d = json!({
            "id": format!("gen-ds-{i:05}"),
            "name": format!("生成数据资源 {i}"),
            "provider": provider,
            "share": share,
            "open": open,
            "security_level": rng.pick(&["core", "important", "general"]),
            "categories": rng.some(&CATEGORIES, 3),
            "legal_basis": (0..rng.below(3)).map(|b| json!({
                "title": format!("生成法规 {i}-{b}"),
                "rank": rng.pick(&RANKS),
            })).collect::<Vec<_>>(),
            "key_identifiers": [rng.pick(&["统一社会信用代码", "身份证号码"])],
            "openable_after_desensitization": share == "not_shared" && rng.below(4) == 0,
        });
        if let Some(obj) = d.as_object_mut() {
            if share == "conditional" {
                let mut cond = serde_json::Map::new();
                if rng.below(2) == 0 {
                    let who: Vec<String> = (0..1 + rng.below(4))
                        .map(|_| inst_id(rng.below(providers)))
                        .collect();
                    cond.insert("institutions".into(), json!(who));
                }
                cond.insert("scenarios".into(), json!(rng.some(&SCENARIOS, 3)));
                obj.insert("share_conditions".into(), Value::Object(cond));
            }
            if rng.below(5) != 0 {
                let date = format!(
                    "20{:02}-{:02}-{:02}",
                    23 + rng.below(3),
                    1 + rng.below(12),
                    1 + rng.below(28)
                );
                obj.insert("last_evaluated".into(), json!(date));
            }
        }
        d
    })
}

/// Filler institution `i` (`gen-inst-00042`); filler 0 is the flood dataset's provider `gen-sl`.
fn inst_id(i: usize) -> String {
    match i {
        0 => "gen-sl".to_string(),
        i => format!("gen-inst-{i:05}"),
    }
}

/// Institutions other than the anchors and gen-sl: numbered 1 to this.
fn filler_institutions(shape: Shape) -> usize {
    shape.institutions.saturating_sub(ANCHOR_INSTITUTIONS + 1)
}

fn institutions(shape: Shape, rng: &mut Rng) -> Vec<Value> {
    let mut filler_no = 0;
    let n = ANCHOR_INSTITUTIONS + filler_institutions(shape);
    let mut all = spread(anchor_institutions().to_vec(), n, |_| {
        filler_no += 1;
        json!({
            "id": inst_id(filler_no),
            "name": format!("生成机构 {filler_no}"),
            "kind": rng.pick(&["government", "authorized_organization", "public_service_enterprise",
                               "public_institution", "people_organization"]),
            "level": rng.pick(&["province", "city", "county"]),
            "duties": rng.some(&SCENARIOS, 3),
            "big_data_authority": false,
        })
    });
    all.insert(
        0,
        json!({"id": inst_id(0), "name": "水利局", "kind": "government", "level": "city",
               "duties": ["water_resources", "flood_control"], "big_data_authority": false}),
    );
    all
}

fn emergencies(shape: Shape) -> Vec<Value> {
    let mut out = vec![json!({
        "id": "gen-em-flood", "title": "汛情", "declared_by": "gen-yjj",
        "start": "2026-07-10", "end": "2026-07-31",
        "datasets": [], "categories": ["hydrology", "emergency_supplies"],
        "responders": ["gen-yjj", "gen-sl", "gen-ga"], "scenario": "emergency_response"
    })];
    // The others are over at the requests' dates, or cover other data.
    for i in 1..shape.emergencies.max(1) {
        out.push(json!({
            "id": format!("gen-em-{i:02}"), "title": format!("生成事件 {i}"),
            "declared_by": inst_id(i),
            "start": format!("2025-0{}-01", 1 + i % 9), "end": format!("2025-0{}-20", 1 + i % 9),
            "datasets": [format!("gen-ds-{i:05}")], "categories": ["public_health"],
            "responders": [inst_id(i), "gen-wjw"], "scenario": "epidemic_response"
        }));
    }
    out
}

fn developers(shape: Shape) -> Vec<Value> {
    (0..shape.developers.max(1))
        .map(|i| {
            json!({"id": format!("gen-dev-{i}"), "name": format!("生成开发主体 {i}"),
                   "qualified": i % 2 == 0})
        })
        .collect()
}
