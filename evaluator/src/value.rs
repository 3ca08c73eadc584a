//! Runtime values. Records and lists borrow from the facts and the request, so evaluating a
//! condition allocates nothing except for `each … where …` results.

use crate::facts::{
    Dataset, Developer, Emergency, Facts, Institution, LegalBasis, Product, ShareConditions,
};
use crate::request::{
    CatalogChangeRequest, CollectionRequest, CorrectionRequest, DemandRequest, DevelopRequest,
    ItProjectRequest, ObjectionRequest, OpenRequest, OpenRequester, ProductRequest,
    PurchaseRequest, Request, ShareRequest,
};
use datalex_compiler::types::{Ty, Types};
use datalex_lang::date::Date;
use serde_json::Value as Json;
use std::rc::Rc;
use std::sync::Arc;

/// The fields of a fact or request record beyond those this evaluator knows by name: a package
/// may declare more in the prelude (optional, documented in docs/api.md), and they are read
/// from here by name, with the type the prelude gives them.
pub type Extra = serde_json::Map<String, Json>;

/// A value during evaluation.
#[derive(Debug, Clone)]
pub enum Value<'a> {
    /// Absent in the facts or the request, or an unknown id.
    Missing,
    /// Truth value.
    Bool(bool),
    /// Whole number.
    Int(i64),
    /// Text.
    Text(&'a str),
    /// Date.
    Date(Date),
    /// Duration.
    Duration {
        /// How many days.
        count: i64,
        /// Working days (else calendar days).
        working: bool,
    },
    /// An enum member, by name.
    Enum(&'a str),
    /// A record.
    Rec(Rec<'a>),
    /// A list.
    List(List<'a>),
}

/// A record, borrowed.
#[derive(Debug, Clone, Copy)]
pub enum Rec<'a> {
    /// Catalog entry.
    Dataset(&'a Dataset),
    /// Institution.
    Institution(&'a Institution),
    /// Legal basis.
    LegalBasis(&'a LegalBasis),
    /// Sharing conditions.
    ShareConditions(&'a ShareConditions),
    /// Emergency.
    Emergency(&'a Emergency),
    /// Developer.
    Developer(&'a Developer),
    /// Open-data requester.
    OpenRequester(&'a OpenRequester),
    /// Share request.
    ShareRequest(&'a ShareRequest),
    /// Open request.
    OpenRequest(&'a OpenRequest),
    /// Develop request.
    DevelopRequest(&'a DevelopRequest),
    /// Catalog change request.
    CatalogChangeRequest(&'a CatalogChangeRequest),
    /// Registered data product.
    Product(&'a Product),
    /// Collection request.
    CollectionRequest(&'a CollectionRequest),
    /// Purchase request.
    PurchaseRequest(&'a PurchaseRequest),
    /// Objection.
    ObjectionRequest(&'a ObjectionRequest),
    /// Data demand.
    DemandRequest(&'a DemandRequest),
    /// Correction.
    CorrectionRequest(&'a CorrectionRequest),
    /// Product registration.
    ProductRequest(&'a ProductRequest),
    /// IT project application.
    ItProjectRequest(&'a ItProjectRequest),
}

impl<'a> Rec<'a> {
    /// The request as the record of the prelude its kind is (`ShareRequest`, …).
    pub fn of_request(request: &'a Request) -> Rec<'a> {
        match request {
            Request::Share(r) => Rec::ShareRequest(r),
            Request::Open(r) => Rec::OpenRequest(r),
            Request::Develop(r) => Rec::DevelopRequest(r),
            Request::CatalogChange(r) => Rec::CatalogChangeRequest(r),
            Request::Collection(r) => Rec::CollectionRequest(r),
            Request::Purchase(r) => Rec::PurchaseRequest(r),
            Request::Objection(r) => Rec::ObjectionRequest(r),
            Request::Demand(r) => Rec::DemandRequest(r),
            Request::Correction(r) => Rec::CorrectionRequest(r),
            Request::ProductRegistration(r) => Rec::ProductRequest(r),
            Request::ItProject(r) => Rec::ItProjectRequest(r),
        }
    }

    /// Its fields beyond those the evaluator knows by name.
    pub fn extra(&self) -> &'a Extra {
        match *self {
            Rec::Dataset(x) => &x.extra,
            Rec::Institution(x) => &x.extra,
            Rec::LegalBasis(x) => &x.extra,
            Rec::ShareConditions(x) => &x.extra,
            Rec::Emergency(x) => &x.extra,
            Rec::Developer(x) => &x.extra,
            Rec::OpenRequester(x) => &x.extra,
            Rec::ShareRequest(x) => &x.extra,
            Rec::OpenRequest(x) => &x.extra,
            Rec::DevelopRequest(x) => &x.extra,
            Rec::CatalogChangeRequest(x) => &x.extra,
            Rec::Product(x) => &x.extra,
            Rec::CollectionRequest(x) => &x.extra,
            Rec::PurchaseRequest(x) => &x.extra,
            Rec::ObjectionRequest(x) => &x.extra,
            Rec::DemandRequest(x) => &x.extra,
            Rec::CorrectionRequest(x) => &x.extra,
            Rec::ProductRequest(x) => &x.extra,
            Rec::ItProjectRequest(x) => &x.extra,
        }
    }

    /// The name of the prelude record it is.
    pub fn record(&self) -> &'static str {
        match self {
            Rec::Dataset(_) => "Dataset",
            Rec::Institution(_) => "Institution",
            Rec::LegalBasis(_) => "LegalBasis",
            Rec::ShareConditions(_) => "ShareConditions",
            Rec::Emergency(_) => "Emergency",
            Rec::Developer(_) => "Developer",
            Rec::OpenRequester(_) => "OpenRequester",
            Rec::ShareRequest(_) => "ShareRequest",
            Rec::OpenRequest(_) => "OpenRequest",
            Rec::DevelopRequest(_) => "DevelopRequest",
            Rec::CatalogChangeRequest(_) => "CatalogChangeRequest",
            Rec::Product(_) => "Product",
            Rec::CollectionRequest(_) => "CollectionRequest",
            Rec::PurchaseRequest(_) => "PurchaseRequest",
            Rec::ObjectionRequest(_) => "ObjectionRequest",
            Rec::DemandRequest(_) => "DemandRequest",
            Rec::CorrectionRequest(_) => "CorrectionRequest",
            Rec::ProductRequest(_) => "ProductRequest",
            Rec::ItProjectRequest(_) => "ItProjectRequest",
        }
    }
}

/// A list, borrowed where it can be. The fact collections are lists of shared entries
/// ([`crate::facts::Entries`]: a new version of the facts shares the entries that did not
/// change); the lists inside a record (its legal bases) are its own.
#[derive(Debug, Clone)]
pub enum List<'a> {
    /// Texts.
    Texts(&'a [String]),
    /// Catalog entries.
    Datasets(&'a [Arc<Dataset>]),
    /// Institutions.
    Institutions(&'a [Arc<Institution>]),
    /// Legal bases.
    LegalBases(&'a [LegalBasis]),
    /// Emergencies.
    Emergencies(&'a [Arc<Emergency>]),
    /// Developers.
    Developers(&'a [Arc<Developer>]),
    /// Products.
    Products(&'a [Arc<Product>]),
    /// Computed (a literal or an `each`).
    Values(Rc<Vec<Value<'a>>>),
    /// A list field beyond the contract, read as its elements' type.
    Json(&'a [Json], Scalar),
}

impl<'a> List<'a> {
    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            List::Texts(x) => x.len(),
            List::Datasets(x) => x.len(),
            List::Institutions(x) => x.len(),
            List::LegalBases(x) => x.len(),
            List::Emergencies(x) => x.len(),
            List::Developers(x) => x.len(),
            List::Products(x) => x.len(),
            List::Values(x) => x.len(),
            List::Json(x, _) => x.len(),
        }
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Element `i` (Missing past the end).
    pub fn get(&self, i: usize) -> Value<'a> {
        let v = match self {
            List::Texts(x) => x.get(i).map(|s| Value::Text(s.as_str())),
            List::Datasets(x) => x.get(i).map(|d| Value::Rec(Rec::Dataset(d))),
            List::Institutions(x) => x.get(i).map(|d| Value::Rec(Rec::Institution(d))),
            List::LegalBases(x) => x.get(i).map(|d| Value::Rec(Rec::LegalBasis(d))),
            List::Emergencies(x) => x.get(i).map(|d| Value::Rec(Rec::Emergency(d))),
            List::Developers(x) => x.get(i).map(|d| Value::Rec(Rec::Developer(d))),
            List::Products(x) => x.get(i).map(|d| Value::Rec(Rec::Product(d))),
            List::Values(x) => x.get(i).cloned(),
            List::Json(x, t) => x.get(i).map(|j| t.value(j)),
        };
        v.unwrap_or(Value::Missing)
    }
}

fn text(s: &str) -> Value<'_> {
    Value::Text(s)
}

fn opt_text(s: &Option<String>) -> Value<'_> {
    s.as_deref().map_or(Value::Missing, Value::Text)
}

fn texts(v: &[String]) -> Value<'_> {
    Value::List(List::Texts(v))
}

fn opt_texts(v: &Option<Vec<String>>) -> Value<'_> {
    v.as_deref()
        .map_or(Value::Missing, |x| Value::List(List::Texts(x)))
}

fn opt_date(d: Option<Date>) -> Value<'static> {
    d.map_or(Value::Missing, Value::Date)
}

macro_rules! accessors {
    ($( $rec:ident ( $b:ident ) { $( $name:literal => $variant:ident => $e:expr ),* $(,)? } )*) => {
        /// A field of a fact or request record, resolved once when a policy is bound.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Accessor { $( $( #[doc = concat!(stringify!($rec), ".", $name)] $variant, )* )* }

        impl Accessor {
            /// The accessor for `record.field`, if the evaluator supplies that field.
            pub fn resolve(record: &str, field: &str) -> Option<Accessor> {
                match (record, field) {
                    $( $( (stringify!($rec), $name) => Some(Accessor::$variant), )* )*
                    _ => None,
                }
            }

            /// The field's value in `r` (Missing if `r` is another record).
            pub fn get<'a>(self, r: Rec<'a>) -> Value<'a> {
                match (self, r) {
                    $( $( (Accessor::$variant, Rec::$rec($b)) => $e, )* )*
                    _ => Value::Missing,
                }
            }
        }
    };
}

accessors! {
    Dataset(d) {
        "id" => DatasetId => text(&d.id),
        "name" => DatasetName => text(&d.name),
        "provider" => DatasetProvider => text(&d.provider),
        "share" => DatasetShare => Value::Enum(d.share.as_str()),
        "share_conditions" => DatasetShareConditions => d.share_conditions.as_ref().map_or(Value::Missing, |c| Value::Rec(Rec::ShareConditions(c))),
        "open" => DatasetOpen => Value::Enum(d.open.as_str()),
        "security_level" => DatasetSecurityLevel => d.security_level.map_or(Value::Missing, |s| Value::Enum(s.as_str())),
        "categories" => DatasetCategories => texts(&d.categories),
        "legal_basis" => DatasetLegalBasis => Value::List(List::LegalBases(&d.legal_basis)),
        "key_identifiers" => DatasetKeyIdentifiers => texts(&d.key_identifiers),
        "last_evaluated" => DatasetLastEvaluated => opt_date(d.last_evaluated),
        "openable_after_desensitization" => DatasetOpenable => d.openable_after_desensitization.map_or(Value::Missing, Value::Bool),
        "quality_failures" => DatasetQualityFailures => texts(&d.quality_failures),
        "lists" => DatasetLists => opt_texts(&d.lists),
        "off_platform_basis" => DatasetOffPlatformBasis => Value::List(List::LegalBases(&d.off_platform_basis)),
        "open_restriction_basis" => DatasetOpenRestrictionBasis => Value::List(List::LegalBases(&d.open_restriction_basis)),
    }
    ShareConditions(c) {
        "institutions" => ConditionsInstitutions => opt_texts(&c.institutions),
        "scenarios" => ConditionsScenarios => opt_texts(&c.scenarios),
    }
    LegalBasis(b) {
        "title" => BasisTitle => text(&b.title),
        "rank" => BasisRank => Value::Enum(b.rank.as_str()),
        "article" => BasisArticle => opt_text(&b.article),
    }
    Institution(i) {
        "id" => InstitutionId => text(&i.id),
        "name" => InstitutionName => text(&i.name),
        "kind" => InstitutionKind => Value::Enum(i.kind.as_str()),
        "level" => InstitutionLevel => Value::Enum(i.level.as_str()),
        "duties" => InstitutionDuties => texts(&i.duties),
        "big_data_authority" => InstitutionBigData => Value::Bool(i.big_data_authority),
        "region" => InstitutionRegion => opt_text(&i.region),
    }
    Emergency(e) {
        "id" => EmergencyId => text(&e.id),
        "title" => EmergencyTitle => text(&e.title),
        "declared_by" => EmergencyDeclaredBy => opt_text(&e.declared_by),
        "start" => EmergencyStart => Value::Date(e.start),
        "end" => EmergencyEnd => Value::Date(e.end),
        "datasets" => EmergencyDatasets => texts(&e.datasets),
        "categories" => EmergencyCategories => texts(&e.categories),
        "responders" => EmergencyResponders => texts(&e.responders),
        "scenario" => EmergencyScenario => opt_text(&e.scenario),
    }
    Developer(d) {
        "id" => DeveloperId => text(&d.id),
        "name" => DeveloperName => text(&d.name),
        "qualified" => DeveloperQualified => Value::Bool(d.qualified),
    }
    OpenRequester(r) {
        "type" => RequesterType => Value::Enum(r.kind.as_str()),
        "id" => RequesterId => text(&r.id),
    }
    ShareRequest(r) {
        "at" => ShareAt => opt_date(r.at),
        "requester" => ShareRequester => text(&r.requester),
        "dataset" => ShareDataset => text(&r.dataset),
        "scenario" => ShareScenario => text(&r.scenario),
        "purpose" => SharePurpose => opt_text(&r.purpose),
        "channel" => ShareChannel => Value::Enum(r.channel.map_or("platform", |c| c.as_str())),
        "received_on" => ShareReceivedOn => opt_date(r.received_on),
    }
    OpenRequest(r) {
        "at" => OpenAt => opt_date(r.at),
        "requester" => OpenRequesterField => Value::Rec(Rec::OpenRequester(&r.requester)),
        "dataset" => OpenDataset => text(&r.dataset),
        "purpose" => OpenPurpose => opt_text(&r.purpose),
        "received_on" => OpenReceivedOn => opt_date(r.received_on),
    }
    DevelopRequest(r) {
        "at" => DevelopAt => opt_date(r.at),
        "developer" => DevelopDeveloper => text(&r.developer),
        "scenario" => DevelopScenario => text(&r.scenario),
        "datasets" => DevelopDatasets => texts(&r.datasets),
        "environment" => DevelopEnvironment => Value::Enum(r.environment.as_str()),
        "purpose" => DevelopPurpose => opt_text(&r.purpose),
    }
    CatalogChangeRequest(r) {
        "at" => ChangeAt => opt_date(r.at),
        "institution" => ChangeInstitution => text(&r.institution),
        "dataset" => ChangeDataset => opt_text(&r.dataset),
        "change" => ChangeChange => Value::Enum(r.change.as_str()),
        "basis_changed_on" => ChangeBasisChangedOn => Value::Date(r.basis_changed_on),
        "filed_on" => ChangeFiledOn => opt_date(r.filed_on),
        "extension_approved" => ChangeExtensionApproved => Value::Bool(r.extension_approved),
    }
    Product(p) {
        "id" => ProductId => text(&p.id),
        "name" => ProductName => text(&p.name),
        "developer" => ProductDeveloper => text(&p.developer),
    }
    CollectionRequest(r) {
        "at" => CollectionAt => opt_date(r.at),
        "institution" => CollectionInstitution => text(&r.institution),
        "dataset" => CollectionDataset => opt_text(&r.dataset),
        "key_identifiers" => CollectionKeyIdentifiers => texts(&r.key_identifiers),
        "legal_basis" => CollectionLegalBasis => Value::List(List::LegalBases(&r.legal_basis)),
        "grassroots" => CollectionGrassroots => Value::Bool(r.grassroots),
        "approved" => CollectionApproved => Value::Bool(r.approved),
    }
    PurchaseRequest(r) {
        "at" => PurchaseAt => opt_date(r.at),
        "institution" => PurchaseInstitution => text(&r.institution),
        "description" => PurchaseDescription => text(&r.description),
        "fiscal_funds" => PurchaseFiscalFunds => Value::Bool(r.fiscal_funds),
    }
    ObjectionRequest(r) {
        "at" => ObjectionAt => opt_date(r.at),
        "requester" => ObjectionRequester => Value::Rec(Rec::OpenRequester(&r.requester)),
        "dataset" => ObjectionDataset => text(&r.dataset),
        "filed_on" => ObjectionFiledOn => opt_date(r.filed_on),
        "handled_on" => ObjectionHandledOn => opt_date(r.handled_on),
    }
    DemandRequest(r) {
        "at" => DemandAt => opt_date(r.at),
        "requester" => DemandRequester => text(&r.requester),
        "dataset" => DemandDataset => opt_text(&r.dataset),
        "scenario" => DemandScenario => text(&r.scenario),
        "filed_on" => DemandFiledOn => opt_date(r.filed_on),
        "confirmed_on" => DemandConfirmedOn => opt_date(r.confirmed_on),
        "published_on" => DemandPublishedOn => opt_date(r.published_on),
    }
    CorrectionRequest(r) {
        "at" => CorrectionAt => opt_date(r.at),
        "requester" => CorrectionRequester => text(&r.requester),
        "dataset" => CorrectionDataset => text(&r.dataset),
        "reported_on" => CorrectionReportedOn => opt_date(r.reported_on),
        "corrected_on" => CorrectionCorrectedOn => opt_date(r.corrected_on),
    }
    ItProjectRequest(r) {
        "at" => ItProjectAt => opt_date(r.at),
        "institution" => ItProjectInstitution => text(&r.institution),
        "project" => ItProjectProject => text(&r.project),
        "fiscal_funds" => ItProjectFiscalFunds => r.fiscal_funds.map_or(Value::Missing, Value::Bool),
        "catalog_attached" => ItProjectCatalogAttached => r.catalog_attached.map_or(Value::Missing, Value::Bool),
    }
    ProductRequest(r) {
        "at" => ProductAt => opt_date(r.at),
        "developer" => ProductRequestDeveloper => text(&r.developer),
        "product" => ProductRequestProduct => opt_text(&r.product),
        "name" => ProductRequestName => text(&r.name),
        "datasets" => ProductRequestDatasets => texts(&r.datasets),
    }
}

/// The type of a field beyond the contract, or of its list's elements: a scalar. (A record
/// or a list of records must be known to the evaluator by name.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// `Bool`.
    Bool,
    /// `Int`.
    Int,
    /// `Text`.
    Text,
    /// `Date` (`YYYY-MM-DD`).
    Date,
    /// A member of the enum with this id.
    Enum(datalex_compiler::types::EnumId),
}

impl Scalar {
    fn of(ty: &Ty) -> Option<Scalar> {
        Some(match ty {
            Ty::Bool => Scalar::Bool,
            Ty::Int => Scalar::Int,
            Ty::Text => Scalar::Text,
            Ty::Date => Scalar::Date,
            Ty::Enum(e) => Scalar::Enum(*e),
            _ => return None,
        })
    }

    /// The value of `j` read as this type; Missing when it is not one ([`Field::check`] has
    /// rejected such facts and requests before).
    pub fn value(self, j: &Json) -> Value<'_> {
        match (self, j) {
            (Scalar::Bool, Json::Bool(b)) => Value::Bool(*b),
            (Scalar::Int, Json::Number(n)) => n.as_i64().map_or(Value::Missing, Value::Int),
            (Scalar::Text, Json::String(s)) => Value::Text(s),
            (Scalar::Date, Json::String(s)) => Date::parse(s).map_or(Value::Missing, Value::Date),
            (Scalar::Enum(_), Json::String(s)) => Value::Enum(s),
            _ => Value::Missing,
        }
    }

    /// What is wrong with `j` as a value of this type, if anything.
    fn check(self, j: &Json, types: &Types) -> Option<String> {
        match (self, j) {
            (Scalar::Bool, Json::Bool(_)) | (Scalar::Text, Json::String(_)) => None,
            (Scalar::Int, Json::Number(n)) if n.as_i64().is_some() => None,
            (Scalar::Date, Json::String(s)) => Date::parse(s).err().map(|e| e.to_string()),
            (Scalar::Enum(e), Json::String(s)) => {
                let def = &types.enums[e];
                if def.position(s).is_some() {
                    return None;
                }
                let members: Vec<String> =
                    def.members.iter().map(|(m, _)| format!("`{m}`")).collect();
                Some(format!(
                    "unknown member `{s}` of `{}`; expected one of {}",
                    def.name,
                    members.join(", ")
                ))
            }
            (Scalar::Bool, _) => Some(format!("expected true or false, found {j}")),
            (Scalar::Int, _) => Some(format!("expected a whole number, found {j}")),
            (Scalar::Text, _) => Some(format!("expected a string, found {j}")),
            (Scalar::Date, _) => Some(format!("expected a date (YYYY-MM-DD), found {j}")),
            (Scalar::Enum(_), _) => Some(format!("expected a string, found {j}")),
        }
    }
}

/// How a field of a record is read: by the evaluator's own accessor, or — for a field beyond
/// the contract that a package declares in the prelude — from the record's [`Extra`] by name.
#[derive(Debug, Clone)]
pub enum Field {
    /// Known to the evaluator.
    Known(Accessor),
    /// Declared in the prelude only: its JSON name, element type, and whether it is a list.
    Extension {
        /// The field's name in the JSON.
        name: Arc<str>,
        /// Its type, or its elements' type.
        scalar: Scalar,
        /// A list of `scalar`.
        list: bool,
    },
}

impl Field {
    /// How to read `record.field` of type `ty`; `None` for a field of a record type the
    /// evaluator does not know by name.
    pub fn resolve(record: &str, field: &str, ty: &Ty) -> Option<Field> {
        if let Some(a) = Accessor::resolve(record, field) {
            return Some(Field::Known(a));
        }
        let (scalar, list) = match ty {
            Ty::List(elem) => (Scalar::of(elem)?, true),
            t => (Scalar::of(t)?, false),
        };
        Some(Field::Extension {
            name: Arc::from(field),
            scalar,
            list,
        })
    }

    /// The field's value in `r`. Inlined where a field is read, so that a field of the
    /// contract costs one call (of [`Accessor::get`]), not two.
    #[inline]
    pub fn get<'a>(&self, r: Rec<'a>) -> Value<'a> {
        match self {
            Field::Known(a) => a.get(r),
            Field::Extension { name, scalar, list } => match r.extra().get(&**name) {
                None | Some(Json::Null) => Value::Missing,
                Some(Json::Array(items)) if *list => Value::List(List::Json(items, *scalar)),
                Some(_) if *list => Value::Missing,
                Some(j) => scalar.value(j),
            },
        }
    }

    /// What is wrong with this field of `r`, if it is an extension the record has with a
    /// value of the wrong type: the path below the record (`quality_pass_rate`, `tags[2]`) and
    /// the message.
    pub fn check(&self, r: Rec<'_>, types: &Types) -> Option<(String, String)> {
        let Field::Extension { name, scalar, list } = self else {
            return None;
        };
        match r.extra().get(&**name)? {
            Json::Null => None,
            Json::Array(items) if *list => items
                .iter()
                .enumerate()
                .find_map(|(i, j)| scalar.check(j, types).map(|m| (format!("{name}[{i}]"), m))),
            j if *list => Some((name.to_string(), format!("expected a list, found {j}"))),
            j => scalar.check(j, types).map(|m| (name.to_string(), m)),
        }
    }
}

/// A fact collection the evaluator supplies, resolved once when a policy is bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactSource {
    /// `catalog`.
    Catalog,
    /// `institutions`.
    Institutions,
    /// `emergencies`.
    Emergencies,
    /// `developers`.
    Developers,
    /// `products`.
    Products,
    /// `authorities`: the institutions that are big-data authorities.
    Authorities,
}

impl FactSource {
    /// The source for a fact name.
    pub fn resolve(name: &str) -> Option<FactSource> {
        Some(match name {
            "catalog" => FactSource::Catalog,
            "institutions" => FactSource::Institutions,
            "emergencies" => FactSource::Emergencies,
            "developers" => FactSource::Developers,
            "products" => FactSource::Products,
            "authorities" => FactSource::Authorities,
            _ => return None,
        })
    }

    /// The whole collection.
    pub fn list(self, facts: &Facts) -> List<'_> {
        match self {
            FactSource::Catalog => List::Datasets(&facts.catalog),
            FactSource::Institutions => List::Institutions(&facts.institutions),
            FactSource::Emergencies => List::Emergencies(&facts.emergencies),
            FactSource::Developers => List::Developers(&facts.developers),
            FactSource::Products => List::Products(&facts.products),
            FactSource::Authorities => List::Institutions(&facts.authorities),
        }
    }

    /// The entry with this id (Missing if unknown or not keyed).
    pub fn lookup<'a>(self, facts: &'a Facts, id: &str) -> Value<'a> {
        let rec = match self {
            FactSource::Catalog => facts.dataset(id).map(Rec::Dataset),
            FactSource::Institutions => facts.institution(id).map(Rec::Institution),
            FactSource::Developers => facts.developer(id).map(Rec::Developer),
            FactSource::Products => facts.product(id).map(Rec::Product),
            FactSource::Authorities => facts
                .institution(id)
                .filter(|i| i.big_data_authority)
                .map(Rec::Institution),
            FactSource::Emergencies => facts
                .emergencies
                .iter()
                .find(|e| e.id == id)
                .map(|e| Rec::Emergency(e)),
        };
        rec.map_or(Value::Missing, Value::Rec)
    }
}
