//! The facts of one jurisdiction: the JSON files of its data directory
//! (shared/contract/decision-api.md §1), checked and indexed for lookup by id.

use datalex_lang::date::Date;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),* }
        impl $name {
            /// The member's name, as in the JSON and the policy language.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),* }
            }
        }
    };
}

str_enum!(
    /// 共享属性.
    ShareTier { /** 无条件共享 */ Unconditional = "unconditional", /** 有条件共享 */ Conditional = "conditional", /** 不予共享 */ NotShared = "not_shared" }
);
str_enum!(
    /// 开放属性.
    OpenTier { /** 无条件开放 */ Unconditional = "unconditional", /** 有条件开放 */ Conditional = "conditional", /** 不予开放 */ NotOpen = "not_open" }
);
str_enum!(
    /// 法律位阶.
    LegalRank { /** 法律 */ Law = "law", /** 行政法规 */ AdministrativeRegulation = "administrative_regulation", /** 国务院决定 */ StateCouncilDecision = "state_council_decision", /** 地方性法规 */ LocalRegulation = "local_regulation", /** 规章（部门规章或地方政府规章） */ Rule = "rule", /** 部门规章 */ DepartmentalRule = "departmental_rule", /** 地方政府规章 */ LocalGovernmentRule = "local_government_rule", /** 规范性文件 */ NormativeDocument = "normative_document" }
);
str_enum!(
    /// 数据安全级别.
    SecurityLevel { /** 核心 */ Core = "core", /** 重要 */ Important = "important", /** 一般 */ General = "general" }
);
str_enum!(
    /// 机构类别.
    InstitutionKind { /** 国家机关 */ Government = "government", /** 授权组织 */ AuthorizedOrganization = "authorized_organization", /** 公共服务企业 */ PublicServiceEnterprise = "public_service_enterprise", /** 事业单位 */ PublicInstitution = "public_institution", /** 人民团体 */ PeopleOrganization = "people_organization" }
);
str_enum!(
    /// 行政层级.
    AdminLevel { /** 省 */ Province = "province", /** 市 */ City = "city", /** 县 */ County = "county" }
);

/// 公共管理和服务机构.
#[derive(Debug, Clone, Deserialize)]
pub struct Institution {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: InstitutionKind,
    /// Level.
    pub level: AdminLevel,
    /// Statutory duties.
    #[serde(default)]
    pub duties: Vec<String>,
    /// Whether it is the big-data authority.
    #[serde(default)]
    pub big_data_authority: bool,
    /// The administrative area it belongs to (default: the jurisdiction's name), which finds
    /// the big-data authority of its own level (本级).
    pub region: Option<String>,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// Sharing conditions; an absent member means no restriction of that kind.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ShareConditions {
    /// Institutions that may share.
    pub institutions: Option<Vec<String>>,
    /// Scenarios the data may be shared for.
    pub scenarios: Option<Vec<String>>,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// A legal basis of a dataset's tier.
#[derive(Debug, Clone, Deserialize)]
pub struct LegalBasis {
    /// Title of the law or regulation.
    pub title: String,
    /// Its rank.
    pub rank: LegalRank,
    /// Article, as written.
    pub article: Option<String>,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// A catalog entry.
#[derive(Debug, Clone, Deserialize)]
pub struct Dataset {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The providing institution.
    pub provider: String,
    /// Sharing tier.
    pub share: ShareTier,
    /// Sharing conditions.
    pub share_conditions: Option<ShareConditions>,
    /// Opening tier.
    pub open: OpenTier,
    /// Security level.
    pub security_level: Option<SecurityLevel>,
    /// Categories.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Legal bases of the tier.
    #[serde(default)]
    pub legal_basis: Vec<LegalBasis>,
    /// Key identifiers in the data.
    #[serde(default)]
    pub key_identifiers: Vec<String>,
    /// Last evaluation.
    pub last_evaluated: Option<Date>,
    /// Openable once desensitised.
    pub openable_after_desensitization: Option<bool>,
    /// Quality dimensions that failed the last check.
    #[serde(default)]
    pub quality_failures: Vec<String>,
    /// The lists it is on: `aggregation`, `sharing`, `opening`.
    pub lists: Option<Vec<String>>,
    /// Provisions of law or administrative regulation under which it cannot be shared or
    /// opened through the city platform (Binzhou 第八条第二款).
    #[serde(default)]
    pub off_platform_basis: Vec<LegalBasis>,
    /// Provisions of law or administrative regulation that provide otherwise for opening it
    /// (Binzhou 第二十一条).
    #[serde(default)]
    pub open_restriction_basis: Vec<LegalBasis>,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// A declared public emergency.
#[derive(Debug, Clone, Deserialize)]
pub struct Emergency {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Declaring institution.
    pub declared_by: Option<String>,
    /// First day (inclusive).
    pub start: Date,
    /// Last day (inclusive).
    pub end: Date,
    /// Datasets covered by id.
    #[serde(default)]
    pub datasets: Vec<String>,
    /// Datasets covered by category.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Responding institutions.
    #[serde(default)]
    pub responders: Vec<String>,
    /// The emergency's scenario.
    pub scenario: Option<String>,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// An organisation that develops public data.
#[derive(Debug, Clone, Deserialize)]
pub struct Developer {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Whether it is qualified.
    #[serde(default)]
    pub qualified: bool,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// A registered data product.
#[derive(Debug, Clone, Deserialize)]
pub struct Product {
    /// Its unique identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// The developer who registered it.
    pub developer: String,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// The facts of one jurisdiction, indexed by id.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The catalog.
    pub catalog: Vec<Dataset>,
    /// Institutions.
    pub institutions: Vec<Institution>,
    /// Emergencies.
    pub emergencies: Vec<Emergency>,
    /// Developers.
    pub developers: Vec<Developer>,
    /// Registered data products.
    pub products: Vec<Product>,
    /// The institutions that are big-data authorities (`big_data_authority: true`), a copy kept
    /// so that finding a body's authority scans the few authorities, not every institution.
    pub authorities: Vec<Institution>,
    product_index: HashMap<String, usize>,
    catalog_index: HashMap<String, usize>,
    institution_index: HashMap<String, usize>,
    developer_index: HashMap<String, usize>,
    /// `sha256:…` of the files the facts were read from.
    pub hash: String,
}

/// Why facts were rejected: the file, the path in it, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactsError {
    /// A file is not of the contract's shape.
    #[error("{file}: {path}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// Where in it, e.g. `[3].share`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A required file is absent.
    #[error("{file} is missing: every data directory needs it")]
    Missing {
        /// The file.
        file: String,
    },
    /// Two entries have the same id.
    #[error("{file}: [{index}].id: `{id}` is used twice")]
    DuplicateId {
        /// The file.
        file: String,
        /// The second entry's index.
        index: usize,
        /// The id.
        id: String,
    },
    /// An emergency ends before it starts.
    #[error("{file}: [{index}].end: `{end}` is before the start `{start}`")]
    Interval {
        /// The file.
        file: String,
        /// The entry's index.
        index: usize,
        /// Start.
        start: Date,
        /// End.
        end: Date,
    },
}

/// The file names of a data directory.
pub const FACT_FILES: [&str; 5] = [
    "catalog.json",
    "institutions.json",
    "emergencies.json",
    "developers.json",
    "products.json",
];

impl Facts {
    /// Reads facts from file texts by name (`catalog.json` …). `catalog.json` and
    /// `institutions.json` are required; the others default to empty.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Facts, FactsError> {
        let text = |name: &str| files.iter().find(|(n, _)| *n == name).map(|(_, t)| *t);
        let required = |name: &str| {
            text(name).ok_or_else(|| FactsError::Missing {
                file: name.to_string(),
            })
        };
        let mut facts = Facts {
            catalog: parse("catalog.json", required("catalog.json")?)?,
            institutions: parse("institutions.json", required("institutions.json")?)?,
            emergencies: text("emergencies.json")
                .map_or(Ok(Vec::new()), |t| parse("emergencies.json", t))?,
            developers: text("developers.json")
                .map_or(Ok(Vec::new()), |t| parse("developers.json", t))?,
            products: text("products.json")
                .map_or(Ok(Vec::new()), |t| parse("products.json", t))?,
            ..Facts::default()
        };
        facts.catalog_index = index("catalog.json", facts.catalog.iter().map(|d| d.id.as_str()))?;
        facts.institution_index = index(
            "institutions.json",
            facts.institutions.iter().map(|d| d.id.as_str()),
        )?;
        facts.developer_index = index(
            "developers.json",
            facts.developers.iter().map(|d| d.id.as_str()),
        )?;
        facts.product_index = index(
            "products.json",
            facts.products.iter().map(|d| d.id.as_str()),
        )?;
        index(
            "emergencies.json",
            facts.emergencies.iter().map(|d| d.id.as_str()),
        )?;
        facts.authorities = authorities(&facts.institutions);
        for (i, e) in facts.emergencies.iter().enumerate() {
            if e.end < e.start {
                return Err(FactsError::Interval {
                    file: "emergencies.json".into(),
                    index: i,
                    start: e.start,
                    end: e.end,
                });
            }
        }
        let mut h = Sha256::new();
        for name in FACT_FILES {
            if let Some(t) = text(name) {
                h.update(name.as_bytes());
                h.update([0]);
                h.update(t.as_bytes());
                h.update([0]);
            }
        }
        facts.hash = format!(
            "sha256:{}",
            h.finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        Ok(facts)
    }

    /// The dataset with this id.
    pub fn dataset(&self, id: &str) -> Option<&Dataset> {
        self.catalog_index
            .get(id)
            .and_then(|&i| self.catalog.get(i))
    }

    /// The same facts with `region` filled where an institution has none (the contract's
    /// default: the jurisdiction's name).
    #[must_use]
    pub fn with_default_region(mut self, region: &str) -> Facts {
        for i in &mut self.institutions {
            i.region.get_or_insert_with(|| region.to_string());
        }
        self.authorities = authorities(&self.institutions);
        self
    }

    /// The institution with this id.
    pub fn institution(&self, id: &str) -> Option<&Institution> {
        self.institution_index
            .get(id)
            .and_then(|&i| self.institutions.get(i))
    }

    /// The product with this id.
    pub fn product(&self, id: &str) -> Option<&Product> {
        self.product_index
            .get(id)
            .and_then(|&i| self.products.get(i))
    }

    /// The developer with this id.
    pub fn developer(&self, id: &str) -> Option<&Developer> {
        self.developer_index
            .get(id)
            .and_then(|&i| self.developers.get(i))
    }
}

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<Vec<T>, FactsError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| FactsError::Invalid {
        file: file.to_string(),
        path: match e.path().to_string() {
            p if p == "." || p.is_empty() => "(top level)".to_string(),
            p => p,
        },
        message: strip_position(&e.inner().to_string()),
    })
}

/// serde_json appends " at line L column C"; keep it, it helps people find the spot.
fn strip_position(s: &str) -> String {
    s.to_string()
}

fn index<'a>(
    file: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, usize>, FactsError> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        if map.insert(id.to_string(), i).is_some() {
            return Err(FactsError::DuplicateId {
                file: file.to_string(),
                index: i,
                id: id.to_string(),
            });
        }
    }
    Ok(map)
}

/// The institutions that are big-data authorities.
fn authorities(institutions: &[Institution]) -> Vec<Institution> {
    institutions
        .iter()
        .filter(|i| i.big_data_authority)
        .cloned()
        .collect()
}
