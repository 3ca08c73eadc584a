//! The facts of one jurisdiction: the JSON files of its data directory
//! (shared/contract/decision-api.md §1), checked and indexed for lookup by id.

use datalex_lang::date::Date;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

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

/// The entries of one fact collection, in the file's order, shared twice over: the list is an
/// `Arc` (facts that did not change are the same list) and so is each entry (a new list after a
/// change holds the unchanged entries of the last one, not copies of them).
///
/// Why each entry: a service keeps serving the last snapshot while it reads a changed file, so
/// a new list that copied its 1,000,000 unchanged datasets took about 700 MB of fresh memory,
/// page by page, on every reload (issue 20; `docs/performance.md`, "Reload at province
/// scale"). With shared entries a reused entry costs a reference count, and only the changed
/// entries are new. Reading one costs a pointer more than in one `Vec<T>`.
pub type Entries<T> = Arc<Vec<Arc<T>>>;

/// The facts of one jurisdiction, indexed by id.
///
/// Each collection, each of its entries and each index is shared (`Arc`, see [`Entries`]): a
/// service that reloads one changed file keeps the other files' collections, the entries of the
/// changed file that did not change, and, when the ids are the same, its index; two snapshots
/// with the same catalog hold it once.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The catalog.
    pub catalog: Entries<Dataset>,
    /// Institutions.
    pub institutions: Entries<Institution>,
    /// Emergencies.
    pub emergencies: Entries<Emergency>,
    /// Developers.
    pub developers: Entries<Developer>,
    /// Registered data products.
    pub products: Entries<Product>,
    /// The institutions that are big-data authorities (`big_data_authority: true`), kept apart
    /// so that finding a body's authority scans the few authorities, not every institution.
    pub authorities: Vec<Arc<Institution>>,
    product_index: Arc<Index>,
    catalog_index: Arc<Index>,
    institution_index: Arc<Index>,
    developer_index: Arc<Index>,
    /// `sha256:…` of the files the facts were read from.
    pub hash: String,
}

/// Positions by id. Hashed with foldhash (randomly seeded per process): every decision looks
/// up one to three ids, and SipHash was a tenth of a share decision's instructions in the index
/// (issue 20). Only the facts' own ids are inserted, so the keys are not a caller's to choose.
type Index = HashMap<String, usize, foldhash::fast::RandomState>;

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
        let mut hash = FactsHash::new();
        let mut parsed: [Option<Result<FactFile, FactsError>>; 5] = Default::default();
        for (slot, name) in parsed.iter_mut().zip(FACT_FILES) {
            if let Some((_, text)) = files.iter().find(|(n, _)| *n == name) {
                hash.add(name, text.as_bytes());
                *slot = FactFile::parse(name, text);
            }
        }
        let [a, b, c, d, e] = &parsed;
        Facts::assemble(
            [a.as_ref(), b.as_ref(), c.as_ref(), d.as_ref(), e.as_ref()],
            hash.finish(),
        )
    }

    /// The facts of a data directory's files, each already parsed ([`FactFile::parse`]), in
    /// the order of [`FACT_FILES`] (`None`: the file is absent), with the hash of their texts
    /// ([`FactsHash`]). The collections are shared with `files`, not copied. The error is the
    /// one [`Facts::from_files`] gives for the same texts: the first file that is missing or
    /// does not parse, then the first duplicate id, then an emergency that ends before it
    /// starts.
    pub fn assemble(
        files: [Option<&Result<FactFile, FactsError>>; 5],
        hash: String,
    ) -> Result<Facts, FactsError> {
        let [catalog, institutions, emergencies, developers, products] = files;
        type Slot<'a> = Option<&'a Result<FactFile, FactsError>>;
        fn required<'a>(name: &str, f: Slot<'a>) -> Result<Option<&'a FactFile>, FactsError> {
            match f {
                None => Err(FactsError::Missing {
                    file: name.to_string(),
                }),
                Some(f) => f.as_ref().map(Some).map_err(Clone::clone),
            }
        }
        fn optional(f: Slot<'_>) -> Result<Option<&FactFile>, FactsError> {
            f.map(|f| f.as_ref().map_err(Clone::clone)).transpose()
        }
        let catalog = required("catalog.json", catalog)?;
        let institutions = required("institutions.json", institutions)?;
        let emergencies = optional(emergencies)?;
        let developers = optional(developers)?;
        let products = optional(products)?;
        let mut facts = Facts {
            hash,
            ..Facts::default()
        };
        for f in [catalog, institutions, developers, products]
            .into_iter()
            .flatten()
        {
            f.duplicate()?;
            match f {
                FactFile::Catalog(p) => {
                    facts.catalog = Arc::clone(&p.items);
                    facts.catalog_index = Arc::clone(&p.index);
                }
                FactFile::Institutions(p) => {
                    facts.institutions = Arc::clone(&p.items);
                    facts.institution_index = Arc::clone(&p.index);
                }
                FactFile::Developers(p) => {
                    facts.developers = Arc::clone(&p.items);
                    facts.developer_index = Arc::clone(&p.index);
                }
                FactFile::Products(p) => {
                    facts.products = Arc::clone(&p.items);
                    facts.product_index = Arc::clone(&p.index);
                }
                FactFile::Emergencies(..) => {}
            }
        }
        if let Some(f) = emergencies {
            f.duplicate()?;
            if let FactFile::Emergencies(p, interval) = f {
                if let Some(e) = interval {
                    return Err(e.clone());
                }
                facts.emergencies = Arc::clone(&p.items);
            }
        }
        facts.authorities = authorities(&facts.institutions);
        Ok(facts)
    }

    /// The dataset with this id.
    pub fn dataset(&self, id: &str) -> Option<&Dataset> {
        self.catalog_index
            .get(id)
            .and_then(|&i| self.catalog.get(i))
            .map(Arc::as_ref)
    }

    /// The same facts with `region` filled where an institution has none (the contract's
    /// default: the jurisdiction's name). Only the institutions without a region are copied;
    /// the other entries and collections stay shared.
    #[must_use]
    pub fn with_default_region(mut self, region: &str) -> Facts {
        for i in Arc::make_mut(&mut self.institutions) {
            if i.region.is_none() {
                Arc::make_mut(i).region = Some(region.to_string());
            }
        }
        self.authorities = authorities(&self.institutions);
        self
    }

    /// The institution with this id.
    pub fn institution(&self, id: &str) -> Option<&Institution> {
        self.institution_index
            .get(id)
            .and_then(|&i| self.institutions.get(i))
            .map(Arc::as_ref)
    }

    /// The product with this id.
    pub fn product(&self, id: &str) -> Option<&Product> {
        self.product_index
            .get(id)
            .and_then(|&i| self.products.get(i))
            .map(Arc::as_ref)
    }

    /// The developer with this id.
    pub fn developer(&self, id: &str) -> Option<&Developer> {
        self.developer_index
            .get(id)
            .and_then(|&i| self.developers.get(i))
            .map(Arc::as_ref)
    }
}

/// The content hash of a data directory's files (`Facts::hash`): SHA-256 over each present
/// file's name and text, in the order of [`FACT_FILES`]. Cloneable, so that a reader can keep
/// the state after a file and go on from there when only later files changed.
#[derive(Debug, Clone, Default)]
pub struct FactsHash(Sha256);

impl FactsHash {
    /// Nothing hashed yet.
    pub fn new() -> FactsHash {
        FactsHash(Sha256::new())
    }

    /// Hashes the file `name` with the content `bytes` (files in the order of [`FACT_FILES`]).
    pub fn add(&mut self, name: &str, bytes: &[u8]) {
        self.0.update(name.as_bytes());
        self.0.update([0]);
        self.0.update(bytes);
        self.0.update([0]);
    }

    /// `sha256:…` of what was added; the state is kept (a clone is finalised).
    pub fn finish(&self) -> String {
        format!(
            "sha256:{}",
            self.0
                .clone()
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        )
    }
}

/// A fact collection read from one file, and its index by id.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    /// The entries, in the file's order (shared with the facts assembled from it, and, those
    /// that did not change, with the next reading of the file: [`FactFile::parse_after`]).
    pub items: Entries<T>,
    index: Arc<Index>,
    /// The first id used twice, if any (reported when the facts are assembled, after every
    /// file's parse errors, as [`Facts::from_files`] always has).
    duplicate: Option<FactsError>,
    /// Each entry's text by hash, for reading the next text of the file entry by entry
    /// (`None`: the text was not a plain array of objects).
    layout: Option<Arc<Layout>>,
}

impl<T> Parsed<T> {
    fn new(
        file: &str,
        items: Vec<Arc<T>>,
        id: impl Fn(&T) -> &str,
        layout: Option<Layout>,
    ) -> Parsed<T> {
        let (index, duplicate) = index(file, items.iter().map(|x| id(x)));
        Parsed {
            items: Arc::new(items),
            index: Arc::new(index),
            duplicate,
            layout: layout.map(|l| Arc::new(l.forget_spans())),
        }
    }

    /// The entries of `text`, whose layout is `layout`, read again after `self` (the last
    /// reading of the same file): the entries whose text did not change are shared with it,
    /// the others parsed ([`reuse`]); the index is kept when the ids are the same, in the same
    /// order. Whatever does not read entry by entry is read whole ([`parse`]).
    fn again(
        &self,
        file: &str,
        text: &str,
        layout: Option<Layout>,
        id: impl Fn(&T) -> &str,
    ) -> Result<Parsed<T>, FactsError>
    where
        T: Send + Sync + serde::de::DeserializeOwned,
        fast::Fast<T>: serde::de::DeserializeOwned,
    {
        let again = match (&layout, &self.layout) {
            (Some(new), Some(old)) => reuse::entries(text, new, old, &self.items),
            _ => None,
        };
        let Some((items, _)) = again else {
            return parse_with_layout(file, text, layout).map(|(v, l)| Parsed::new(file, v, id, l));
        };
        // A shared entry has its id: only the parsed ones are compared.
        let same_ids = items.len() == self.items.len()
            && items
                .iter()
                .zip(self.items.iter())
                .all(|(a, b)| Arc::ptr_eq(a, b) || id(a) == id(b));
        if same_ids {
            return Ok(Parsed {
                items: Arc::new(items),
                index: Arc::clone(&self.index),
                duplicate: self.duplicate.clone(),
                layout: layout.map(|l| Arc::new(l.forget_spans())),
            });
        }
        Ok(Parsed::new(file, items, id, layout))
    }
}

/// One fact file, parsed and indexed: what [`Facts::assemble`] puts together.
#[derive(Debug, Clone)]
pub enum FactFile {
    /// `catalog.json`.
    Catalog(Parsed<Dataset>),
    /// `institutions.json`.
    Institutions(Parsed<Institution>),
    /// `emergencies.json`, and the first emergency that ends before it starts.
    Emergencies(Parsed<Emergency>, Option<FactsError>),
    /// `developers.json`.
    Developers(Parsed<Developer>),
    /// `products.json`.
    Products(Parsed<Product>),
}

impl FactFile {
    /// Parses the text of the fact file `name`; `None` if `name` is not one of [`FACT_FILES`].
    ///
    /// The text is read once by plain `serde_json` straight into the entries (no tree of
    /// values in between); only a text that this refuses is read again, with
    /// `serde_path_to_error`, for the error naming the field (`[3].share`). Beside it (on a
    /// second thread) each entry's text is hashed ([`Layout`]), for [`FactFile::parse_after`].
    pub fn parse(name: &str, text: &str) -> Option<Result<FactFile, FactsError>> {
        FactFile::parse_after(name, text, None, None)
    }

    /// [`FactFile::parse`] of the new text of a file whose last reading was `previous`: the
    /// entries whose text is that of an entry of the last text are that entry, shared (an
    /// `Arc`, not a copy), only the others are parsed; the entries, the index and any error are those [`FactFile::parse`]
    /// gives. `layout` is [`Layout::of`] the text if the caller has it already (it is
    /// computed here otherwise, by [`Layout::of_after`] the last reading's).
    pub fn parse_after(
        name: &str,
        text: &str,
        layout: Option<Layout>,
        previous: Option<&FactFile>,
    ) -> Option<Result<FactFile, FactsError>> {
        fn read<T>(
            name: &str,
            text: &str,
            layout: Option<Layout>,
            previous: Option<&Parsed<T>>,
            id: impl Fn(&T) -> &str,
        ) -> Result<Parsed<T>, FactsError>
        where
            T: Send + Sync + serde::de::DeserializeOwned,
            fast::Fast<T>: serde::de::DeserializeOwned,
        {
            match previous {
                Some(p) => {
                    let layout = layout.or_else(|| match &p.layout {
                        Some(last) => Layout::of_after(text, last),
                        None => Layout::of(text),
                    });
                    p.again(name, text, layout, id)
                }
                None => {
                    parse_with_layout(name, text, layout).map(|(v, l)| Parsed::new(name, v, id, l))
                }
            }
        }
        Some(match name {
            "catalog.json" => {
                let p = match previous {
                    Some(FactFile::Catalog(p)) => Some(p),
                    _ => None,
                };
                read(name, text, layout, p, |d: &Dataset| d.id.as_str()).map(FactFile::Catalog)
            }
            "institutions.json" => {
                let p = match previous {
                    Some(FactFile::Institutions(p)) => Some(p),
                    _ => None,
                };
                read(name, text, layout, p, |i: &Institution| i.id.as_str())
                    .map(FactFile::Institutions)
            }
            "emergencies.json" => {
                let p = match previous {
                    Some(FactFile::Emergencies(p, _)) => Some(p),
                    _ => None,
                };
                read(name, text, layout, p, |e: &Emergency| e.id.as_str()).map(|p| {
                    let interval = p
                        .items
                        .iter()
                        .enumerate()
                        .find(|(_, e)| e.end < e.start)
                        .map(|(i, e)| FactsError::Interval {
                            file: name.to_string(),
                            index: i,
                            start: e.start,
                            end: e.end,
                        });
                    FactFile::Emergencies(p, interval)
                })
            }
            "developers.json" => {
                let p = match previous {
                    Some(FactFile::Developers(p)) => Some(p),
                    _ => None,
                };
                read(name, text, layout, p, |d: &Developer| d.id.as_str()).map(FactFile::Developers)
            }
            "products.json" => {
                let p = match previous {
                    Some(FactFile::Products(p)) => Some(p),
                    _ => None,
                };
                read(name, text, layout, p, |d: &Product| d.id.as_str()).map(FactFile::Products)
            }
            _ => return None,
        })
    }

    /// The layout of the text it was read from ([`Layout::of`]: each entry's hash and length),
    /// for [`Layout::of_after`] of the file's next text; `None` if that text was not a plain
    /// array of objects.
    pub fn layout(&self) -> Option<&Layout> {
        self.common().layout
    }

    /// How many entries it has.
    pub fn len(&self) -> usize {
        self.common().len
    }

    /// Whether it has no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn duplicate(&self) -> Result<(), FactsError> {
        self.common().duplicate.cloned().map_or(Ok(()), Err)
    }

    /// What every kind of file has, whatever the type of its entries.
    fn common(&self) -> Common<'_> {
        match self {
            FactFile::Catalog(p) => p.common(),
            FactFile::Institutions(p) => p.common(),
            FactFile::Emergencies(p, _) => p.common(),
            FactFile::Developers(p) => p.common(),
            FactFile::Products(p) => p.common(),
        }
    }
}

/// What every [`Parsed`] has, whatever the type of its entries.
struct Common<'a> {
    layout: Option<&'a Layout>,
    len: usize,
    duplicate: Option<&'a FactsError>,
}

impl<T> Parsed<T> {
    fn common(&self) -> Common<'_> {
        Common {
            layout: self.layout.as_deref(),
            len: self.items.len(),
            duplicate: self.duplicate.as_ref(),
        }
    }
}

/// Parses a fact file: plain `serde_json` into the entries ([`fast`]), each put in its own
/// `Arc` as it is read ([`Entries`]); if that refuses the text, the contract's derived types
/// again under `serde_path_to_error`, whose error (or, were the two ever to disagree, whose
/// entries) is the answer.
fn parse<T>(file: &str, text: &str) -> Result<Vec<Arc<T>>, FactsError>
where
    T: serde::de::DeserializeOwned,
    fast::Fast<T>: serde::de::DeserializeOwned,
{
    match serde_json::from_str::<fast::List<T, Arc<T>>>(text) {
        Ok(list) => Ok(list.0),
        Err(_) => {
            parse_naming_the_field::<T>(file, text).map(|v| v.into_iter().map(Arc::new).collect())
        }
    }
}

/// [`parse`], with each entry's text hashed beside it on a second thread ([`Layout::of`])
/// unless `layout` is given; the layout is `None` if the text is not a plain array of objects.
fn parse_with_layout<T>(
    file: &str,
    text: &str,
    layout: Option<Layout>,
) -> Result<(Vec<Arc<T>>, Option<Layout>), FactsError>
where
    T: serde::de::DeserializeOwned + Send,
    fast::Fast<T>: serde::de::DeserializeOwned,
{
    /// Below this, the layout is found on this thread, after parsing.
    const BESIDE: usize = 1 << 20;
    if layout.is_some() {
        return parse(file, text).map(|v| (v, layout));
    }
    if text.len() < BESIDE {
        return parse(file, text).map(|v| (v, Layout::of(text)));
    }
    std::thread::scope(|s| {
        let layout = s.spawn(|| Layout::of(text));
        let parsed = parse(file, text)?;
        // A thread that panicked (the scanner does not) leaves no layout: the next text is
        // read whole.
        Ok((parsed, layout.join().ok().flatten()))
    })
}

/// The slow, exact reading: the derived types under `serde_path_to_error`.
fn parse_naming_the_field<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<Vec<T>, FactsError> {
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

/// The bytes of the JSON text `text` outside its strings, with their positions: what a scanner
/// of its brackets, braces and commas reads (a string's quotes, its escapes and what is between
/// them are left out). The text is not checked: it is JSON already read, or about to be.
pub(crate) fn outside_strings(text: &[u8]) -> impl Iterator<Item = (usize, u8)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || loop {
        let i = at;
        let &b = text.get(i)?;
        if b != b'"' {
            at = i + 1;
            return Some((i, b));
        }
        // A string: on to after its closing quote (an unclosed one ends the text).
        let Some(end) = string_end(text, i + 1) else {
            at = text.len();
            return None;
        };
        at = end;
    })
}

/// Where the string of the JSON text `text` whose content starts at `from` (after its opening
/// quote) ends: just after its closing quote, found from escape to escape (`memchr`, a block of
/// bytes at a time: strings are most of a decision's or a fact file's text). `None` if it is
/// not closed.
fn string_end(text: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let found = from + memchr::memchr2(b'"', b'\\', text.get(from..)?)?;
        if text.get(found) == Some(&b'\\') {
            from = found + 2;
        } else {
            return Some(found + 1);
        }
    }
}

/// The index of `ids` by id, and the first id used twice (the index then stops there).
fn index<'a>(file: &str, ids: impl Iterator<Item = &'a str>) -> (Index, Option<FactsError>) {
    let mut map = Index::with_capacity_and_hasher(ids.size_hint().0, Default::default());
    for (i, id) in ids.enumerate() {
        if map.insert(id.to_string(), i).is_some() {
            let e = FactsError::DuplicateId {
                file: file.to_string(),
                index: i,
                id: id.to_string(),
            };
            return (map, Some(e));
        }
    }
    (map, None)
}

/// The institutions that are big-data authorities.
fn authorities(institutions: &[Arc<Institution>]) -> Vec<Arc<Institution>> {
    institutions
        .iter()
        .filter(|i| i.big_data_authority)
        .cloned()
        .collect()
}

mod fast;
mod reuse;

pub use reuse::Layout;

#[cfg(test)]
mod tests {
    use super::outside_strings;

    #[test]
    fn what_is_inside_strings_is_left_out() {
        let text = br#"{"a\"{,":[1,"]\\",{}],"b":"\\"}"#;
        let seen: String = outside_strings(text).map(|(_, b)| char::from(b)).collect();
        assert_eq!(seen, "{:[1,,{}],:}");
        let positions: Vec<usize> = outside_strings(br#"["x",1]"#).map(|(i, _)| i).collect();
        assert_eq!(positions, vec![0, 4, 5, 6]);
    }

    /// The scanner is the byte-by-byte one it replaced, on texts of quotes, escapes and
    /// brackets in every order, unclosed strings and a trailing backslash among them.
    #[test]
    fn it_is_the_byte_by_byte_scanner() {
        fn byte_by_byte(text: &[u8]) -> Vec<(usize, u8)> {
            let (mut in_string, mut escaped) = (false, false);
            let mut out = Vec::new();
            for (i, &b) in text.iter().enumerate() {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                } else if b == b'"' {
                    in_string = true;
                } else {
                    out.push((i, b));
                }
            }
            out
        }
        let alphabet: &[u8] = b"\"\\{}[],a1 ";
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for len in 0..400 {
            let text: Vec<u8> = (0..len % 40)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            let fast: Vec<(usize, u8)> = outside_strings(&text).collect();
            assert_eq!(
                fast,
                byte_by_byte(&text),
                "{:?}",
                String::from_utf8_lossy(&text)
            );
        }
    }
}
