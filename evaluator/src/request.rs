//! Requests (shared/contract/decision-api.md §2). A request that is not of the contract's shape
//! is not a decision: parsing fails with an error that names the field.

use datalex_lang::date::Date;
use serde::Deserialize;
use serde_json::Value as Json;

/// A request to decide.
#[derive(Debug, Clone)]
pub enum Request {
    /// Sharing between public bodies.
    Share(ShareRequest),
    /// Opening to the public.
    Open(OpenRequest),
    /// Developing public data into products.
    Develop(DevelopRequest),
    /// Changing the catalog.
    CatalogChange(CatalogChangeRequest),
    /// Collecting data.
    Collection(CollectionRequest),
    /// Buying social data.
    Purchase(PurchaseRequest),
    /// An objection to open data.
    Objection(ObjectionRequest),
    /// A data demand (supply–demand docking).
    Demand(DemandRequest),
    /// A data correction.
    Correction(CorrectionRequest),
    /// Registering a data product.
    ProductRegistration(ProductRequest),
    /// Applying for an information-technology project.
    ItProject(ItProjectRequest),
}

/// `it_project`: an application for an IT project (Binzhou 第十八条, 第四十二条).
#[derive(Debug, Clone, Deserialize)]
pub struct ItProjectRequest {
    /// The date decided as of.
    #[serde(default)]
    pub at: Option<Date>,
    /// Jurisdiction.
    pub jurisdiction: Option<String>,
    /// The applying institution.
    pub institution: String,
    /// The project's name.
    pub project: String,
    /// Built with fiscal funds.
    pub fiscal_funds: Option<bool>,
    /// The public-data resource catalog is attached to the application.
    pub catalog_attached: Option<bool>,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// How shared data travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The sharing and exchange platform.
    Platform,
    /// A transmission channel opened privately.
    Private,
}

impl Channel {
    /// As in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Platform => "platform",
            Channel::Private => "private",
        }
    }
}

/// `collection`.
#[derive(Debug, Clone, Deserialize)]
pub struct CollectionRequest {
    /// The date decided as of.
    #[serde(default)]
    pub at: Option<Date>,
    /// Jurisdiction.
    pub jurisdiction: Option<String>,
    /// The collecting institution.
    pub institution: String,
    /// The catalog entry the collected data corresponds to, if any.
    pub dataset: Option<String>,
    /// Key identifiers the collection records.
    #[serde(default)]
    pub key_identifiers: Vec<String>,
    /// The provisions of law or administrative regulation that require this body to collect
    /// the data itself (Binzhou 第十三条: 除法律、行政法规另有规定外).
    #[serde(default)]
    pub legal_basis: Vec<crate::facts::LegalBasis>,
    /// Collected by a grassroots (below county) body.
    #[serde(default)]
    pub grassroots: bool,
    /// Approved by the city big-data authority.
    #[serde(default)]
    pub approved: bool,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// `purchase`.
#[derive(Debug, Clone, Deserialize)]
pub struct PurchaseRequest {
    /// The date decided as of.
    #[serde(default)]
    pub at: Option<Date>,
    /// Jurisdiction.
    pub jurisdiction: Option<String>,
    /// The buying institution.
    pub institution: String,
    /// What is bought.
    pub description: String,
    /// Paid with fiscal funds.
    pub fiscal_funds: bool,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// `objection`.
#[derive(Debug, Clone, Deserialize)]
pub struct ObjectionRequest {
    /// The date decided as of.
    #[serde(default)]
    pub at: Option<Date>,
    /// Jurisdiction.
    pub jurisdiction: Option<String>,
    /// Who objects.
    pub requester: OpenRequester,
    /// The dataset.
    pub dataset: String,
    /// When it was filed (default `at`).
    pub filed_on: Option<Date>,
    /// When it was handled, if it was.
    pub handled_on: Option<Date>,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// `demand`.
#[derive(Debug, Clone, Deserialize)]
pub struct DemandRequest {
    /// The date decided as of.
    #[serde(default)]
    pub at: Option<Date>,
    /// Jurisdiction.
    pub jurisdiction: Option<String>,
    /// The institution with the demand.
    pub requester: String,
    /// The dataset, if it is in the catalog.
    pub dataset: Option<String>,
    /// Scenario.
    pub scenario: String,
    /// When it was filed (default `at`).
    pub filed_on: Option<Date>,
    /// When the demand was confirmed, if it was.
    pub confirmed_on: Option<Date>,
    /// When the service was published, if it was.
    pub published_on: Option<Date>,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// `correction`.
#[derive(Debug, Clone, Deserialize)]
pub struct CorrectionRequest {
    /// The date decided as of.
    #[serde(default)]
    pub at: Option<Date>,
    /// Jurisdiction.
    pub jurisdiction: Option<String>,
    /// The institution that reports the error.
    pub requester: String,
    /// The dataset.
    pub dataset: String,
    /// When it was reported (default `at`).
    pub reported_on: Option<Date>,
    /// When it was corrected, if it was.
    pub corrected_on: Option<Date>,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// `product_registration`.
#[derive(Debug, Clone, Deserialize)]
pub struct ProductRequest {
    /// The date decided as of.
    #[serde(default)]
    pub at: Option<Date>,
    /// Jurisdiction.
    pub jurisdiction: Option<String>,
    /// The developer.
    pub developer: String,
    /// The product's unique identifier.
    pub product: Option<String>,
    /// Its name.
    pub name: String,
    /// The datasets it uses.
    #[serde(default)]
    pub datasets: Vec<String>,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// `share`.
#[derive(Debug, Clone, Deserialize)]
pub struct ShareRequest {
    /// The date decided as of.
    #[serde(default)]
    pub at: Option<Date>,
    /// Jurisdiction.
    pub jurisdiction: Option<String>,
    /// Requesting institution.
    pub requester: String,
    /// Dataset.
    pub dataset: String,
    /// Scenario.
    pub scenario: String,
    /// Purpose.
    pub purpose: Option<String>,
    /// How the data travels (default: the platform).
    pub channel: Option<Channel>,
    /// When the provider received the application (default `at`); reply deadlines run from it.
    pub received_on: Option<Date>,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// Who asks for open data.
#[derive(Debug, Clone, Deserialize)]
pub struct OpenRequester {
    /// `citizen`, `legal_person` or `organization`.
    #[serde(rename = "type")]
    pub kind: RequesterType,
    /// Their id.
    pub id: String,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// Kinds of open-data requester.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequesterType {
    /// 公民.
    Citizen,
    /// 法人.
    LegalPerson,
    /// 其他组织.
    Organization,
}

impl RequesterType {
    /// As in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            RequesterType::Citizen => "citizen",
            RequesterType::LegalPerson => "legal_person",
            RequesterType::Organization => "organization",
        }
    }
}

/// `open`.
#[derive(Debug, Clone, Deserialize)]
pub struct OpenRequest {
    /// The date decided as of.
    #[serde(default)]
    pub at: Option<Date>,
    /// Jurisdiction.
    pub jurisdiction: Option<String>,
    /// Who asks.
    pub requester: OpenRequester,
    /// Dataset.
    pub dataset: String,
    /// Purpose.
    pub purpose: Option<String>,
    /// When the provider received the application (default `at`).
    pub received_on: Option<Date>,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// Development environments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    /// 可信环境.
    Trusted,
    /// Outside the trusted environment.
    External,
}

impl Environment {
    /// As in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Trusted => "trusted",
            Environment::External => "external",
        }
    }
}

/// `develop`.
#[derive(Debug, Clone, Deserialize)]
pub struct DevelopRequest {
    /// The date decided as of.
    #[serde(default)]
    pub at: Option<Date>,
    /// Jurisdiction.
    pub jurisdiction: Option<String>,
    /// Developer.
    pub developer: String,
    /// Exactly one scenario: one scenario, one application.
    pub scenario: String,
    /// Datasets (non-empty).
    pub datasets: Vec<String>,
    /// Environment.
    pub environment: Environment,
    /// Purpose.
    pub purpose: Option<String>,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// Catalog change kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// 新增.
    Add,
    /// 修改.
    Modify,
    /// 删减.
    Delete,
}

impl ChangeKind {
    /// As in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Add => "add",
            ChangeKind::Modify => "modify",
            ChangeKind::Delete => "delete",
        }
    }
}

/// `catalog_change`.
#[derive(Debug, Clone, Deserialize)]
pub struct CatalogChangeRequest {
    /// The date decided as of.
    #[serde(default)]
    pub at: Option<Date>,
    /// Jurisdiction.
    pub jurisdiction: Option<String>,
    /// Institution filing the change.
    pub institution: String,
    /// Dataset (optional for `add`).
    pub dataset: Option<String>,
    /// Change kind.
    pub change: ChangeKind,
    /// When the basis or duty changed.
    pub basis_changed_on: Date,
    /// When the change was filed (default `at`).
    pub filed_on: Option<Date>,
    /// The authority agreed to extend the filing period (national 第十七条第二款).
    #[serde(default)]
    pub extension_approved: bool,
    /// Fields beyond the contract that the prelude declares (see `crate::value::Field`).
    #[serde(flatten)]
    pub extra: crate::value::Extra,
}

/// A request that is not of the contract's shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", field.as_ref().map(|f| format!("field `{f}`: ")).unwrap_or_default())]
pub struct RequestError {
    /// The field that is wrong, as a path (`requester.type`), if one is.
    pub field: Option<String>,
    /// What is wrong, in English.
    pub message: String,
    /// What is wrong, typed: the service and the command line word it in the reader's language
    /// (`message` is the English wording).
    pub fault: RequestFault,
}

/// What is wrong with a request, as a kind a catalog can word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestFault {
    /// The request is not a JSON object.
    NotAnObject,
    /// `kind` is not a string.
    KindNotAString,
    /// `kind` is missing.
    KindMissing,
    /// `kind` names no kind of request.
    UnknownKind(String),
    /// A `develop` request names no dataset.
    NoDataset,
    /// A catalog change other than `add` names no dataset.
    DatasetMissing,
    /// A field the kind requires is missing (`field` names it).
    MissingField,
    /// A field the contract does not have (`field` names it).
    UnknownField,
    /// A value of the wrong type or form; the deserialiser's own words (English) as detail.
    InvalidValue(String),
    /// A date that is not one (`2026-02-30`), typed so that it can be worded in any language.
    InvalidDate(datalex_lang::date::DateError),
    /// A member named twice in one object (`field` names it): which of its values was meant is
    /// not said ([`crate::json`]).
    RepeatedMember,
}

impl RequestError {
    /// The request's text names the member at `path` twice in its object.
    pub fn repeated(path: &crate::json::Path) -> RequestError {
        RequestError {
            field: Some(path.to_string()),
            message: "named twice in its object: which value is meant is not said".into(),
            fault: RequestFault::RepeatedMember,
        }
    }
}

/// The request kinds, as in the `kind` field.
pub const KINDS: [&str; 11] = [
    "share",
    "open",
    "develop",
    "catalog_change",
    "collection",
    "purchase",
    "objection",
    "demand",
    "correction",
    "product_registration",
    "it_project",
];

impl Request {
    /// Parses one request. `today` is the default for `at` (the caller owns the clock).
    pub fn from_json(json: &Json, today: Date) -> Result<Request, RequestError> {
        let obj = json.as_object().ok_or_else(|| RequestError {
            field: None,
            message: "a request is a JSON object".into(),
            fault: RequestFault::NotAnObject,
        })?;
        let kind = match obj.get("kind") {
            Some(Json::String(k)) => k.as_str(),
            Some(_) => {
                return Err(err(
                    "kind",
                    "expected a string",
                    RequestFault::KindNotAString,
                ))
            }
            None => {
                let list: Vec<String> = KINDS.iter().map(|k| format!("`{k}`")).collect();
                return Err(err(
                    "kind",
                    &format!("missing; expected one of {}", list.join(", ")),
                    RequestFault::KindMissing,
                ));
            }
        };
        let mut req = match kind {
            "share" => Request::Share(typed(json)?),
            "open" => Request::Open(typed(json)?),
            "develop" => Request::Develop(typed(json)?),
            "catalog_change" => Request::CatalogChange(typed(json)?),
            "collection" => Request::Collection(typed(json)?),
            "purchase" => Request::Purchase(typed(json)?),
            "objection" => Request::Objection(typed(json)?),
            "demand" => Request::Demand(typed(json)?),
            "correction" => Request::Correction(typed(json)?),
            "product_registration" => Request::ProductRegistration(typed(json)?),
            "it_project" => Request::ItProject(typed(json)?),
            other => {
                let list: Vec<String> = KINDS.iter().map(|k| format!("`{k}`")).collect();
                return Err(err(
                    "kind",
                    &format!(
                        "unknown kind `{other}`; expected one of {}",
                        list.join(", ")
                    ),
                    RequestFault::UnknownKind(other.to_string()),
                ));
            }
        };
        match &mut req {
            Request::Share(r) => {
                let at = *r.at.get_or_insert(today);
                r.received_on.get_or_insert(at);
            }
            Request::Open(r) => {
                let at = *r.at.get_or_insert(today);
                r.received_on.get_or_insert(at);
            }
            Request::Develop(r) => {
                r.at.get_or_insert(today);
                if r.datasets.is_empty() {
                    return Err(err(
                        "datasets",
                        "must name at least one dataset",
                        RequestFault::NoDataset,
                    ));
                }
            }
            Request::CatalogChange(r) => {
                let at = *r.at.get_or_insert(today);
                r.filed_on.get_or_insert(at);
                if r.dataset.is_none() && r.change != ChangeKind::Add {
                    return Err(err(
                        "dataset",
                        "missing; only an `add` may leave it out",
                        RequestFault::DatasetMissing,
                    ));
                }
            }
            Request::Collection(r) => {
                r.at.get_or_insert(today);
            }
            Request::Purchase(r) => {
                r.at.get_or_insert(today);
            }
            Request::Objection(r) => {
                let at = *r.at.get_or_insert(today);
                r.filed_on.get_or_insert(at);
            }
            Request::Demand(r) => {
                let at = *r.at.get_or_insert(today);
                r.filed_on.get_or_insert(at);
            }
            Request::Correction(r) => {
                let at = *r.at.get_or_insert(today);
                r.reported_on.get_or_insert(at);
            }
            Request::ProductRegistration(r) => {
                r.at.get_or_insert(today);
            }
            Request::ItProject(r) => {
                r.at.get_or_insert(today);
            }
        }
        Ok(req)
    }

    /// The kind, as in the `kind` field.
    pub fn kind(&self) -> &'static str {
        match self {
            Request::Share(_) => "share",
            Request::Open(_) => "open",
            Request::Develop(_) => "develop",
            Request::CatalogChange(_) => "catalog_change",
            Request::Collection(_) => "collection",
            Request::Purchase(_) => "purchase",
            Request::Objection(_) => "objection",
            Request::Demand(_) => "demand",
            Request::Correction(_) => "correction",
            Request::ProductRegistration(_) => "product_registration",
            Request::ItProject(_) => "it_project",
        }
    }

    /// The date decided as of.
    pub fn at(&self) -> Date {
        let at = match self {
            Request::Share(r) => r.at,
            Request::Open(r) => r.at,
            Request::Develop(r) => r.at,
            Request::CatalogChange(r) => r.at,
            Request::Collection(r) => r.at,
            Request::Purchase(r) => r.at,
            Request::Objection(r) => r.at,
            Request::Demand(r) => r.at,
            Request::Correction(r) => r.at,
            Request::ProductRegistration(r) => r.at,
            Request::ItProject(r) => r.at,
        };
        at.unwrap_or(Date::MIN)
    }

    /// The jurisdiction named, if any.
    pub fn jurisdiction(&self) -> Option<&str> {
        match self {
            Request::Share(r) => r.jurisdiction.as_deref(),
            Request::Open(r) => r.jurisdiction.as_deref(),
            Request::Develop(r) => r.jurisdiction.as_deref(),
            Request::CatalogChange(r) => r.jurisdiction.as_deref(),
            Request::Collection(r) => r.jurisdiction.as_deref(),
            Request::Purchase(r) => r.jurisdiction.as_deref(),
            Request::Objection(r) => r.jurisdiction.as_deref(),
            Request::Demand(r) => r.jurisdiction.as_deref(),
            Request::Correction(r) => r.jurisdiction.as_deref(),
            Request::ProductRegistration(r) => r.jurisdiction.as_deref(),
            Request::ItProject(r) => r.jurisdiction.as_deref(),
        }
    }
}

fn err(field: &str, message: &str, fault: RequestFault) -> RequestError {
    RequestError {
        field: Some(field.to_string()),
        message: message.to_string(),
        fault,
    }
}

fn typed<T: serde::de::DeserializeOwned>(json: &Json) -> Result<T, RequestError> {
    // Plain serde first: tracking the path costs on every field, and only an error needs it.
    // The same `Deserialize` runs again below, so the error is the one it always was.
    if let Ok(t) = T::deserialize(json) {
        return Ok(t);
    }
    serde_path_to_error::deserialize(json).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner().to_string();
        // serde names missing and unknown fields in the message, not the path.
        let named = |f: &str| {
            Some(if path == "." {
                f.to_string()
            } else {
                format!("{path}.{f}")
            })
        };
        let (field, fault) = if let Some(f) = between(&inner, "missing field `", "`") {
            (named(f), RequestFault::MissingField)
        } else if let Some(f) = between(&inner, "unknown field `", "`") {
            (named(f), RequestFault::UnknownField)
        } else if path == "." {
            (None, RequestFault::InvalidValue(inner.clone()))
        } else {
            let fault = match date_error_at(json, &path, &inner) {
                Some(d) => RequestFault::InvalidDate(d),
                None => RequestFault::InvalidValue(inner.clone()),
            };
            (Some(path), fault)
        };
        RequestError {
            field,
            message: inner,
            fault,
        }
    })
}

/// If the value at `path` (`at`, `requester.since`) is a string that is not a date (or not a
/// timestamp), and that is what the deserialiser said (`said`), why not, typed.
fn date_error_at(json: &Json, path: &str, said: &str) -> Option<datalex_lang::date::DateError> {
    let mut v = json;
    for key in path.split('.') {
        v = v.get(key)?;
    }
    let text = v.as_str()?;
    [
        Date::parse(text).err(),
        Date::parse_date_or_timestamp(text).err(),
    ]
    .into_iter()
    .flatten()
    .find(|e| e.to_string() == said)
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let rest = s.get(i..)?;
    rest.find(end).and_then(|j| rest.get(..j))
}
