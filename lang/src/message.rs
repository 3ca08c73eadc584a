//! What a diagnostic says, as a reference into the message catalogs (`datalex-i18n`): a catalog
//! id, an optional Fluent attribute (`help`, `label`) and typed arguments. A [`Message`] holds
//! no words of its own; it is worded only at the edge, in the reader's language, by
//! [`Message::text`].
//!
//! Arguments are typed so that each language words them its own way: names and quoted policy
//! text go in verbatim ([`Arg::Text`], [`Arg::Code`] in backticks), dates as dates
//! ([`Arg::Date`]: `2023-03-01` or `2023年3月1日`), words that are themselves messages as
//! messages ([`Arg::Msg`]: a rule's role, a period), enumerations as lists joined as the
//! language joins them ([`Arg::List`]), and the parser's descriptions of what it expected as
//! phrases ([`Arg::Phrase`], looked up among the catalogs' `phrase-*` messages by their
//! English text).

use crate::date::Date;
use datalex_i18n::{self as i18n, Args, Lang};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A message of the catalogs with its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Message {
    /// The catalog id: `E0104-no-article`.
    pub id: &'static str,
    /// The attribute of that message, if it is one (`help`, `label`).
    pub attr: Option<&'static str>,
    /// The arguments, by name.
    pub args: Vec<(&'static str, Arg)>,
}

/// An argument of a [`Message`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Arg {
    /// Verbatim text: a name, a number, quoted policy text.
    Text(String),
    /// Verbatim text shown as code, in backticks.
    Code(String),
    /// A date, written as the language writes dates.
    Date(Date),
    /// A message, worded in the same language.
    Msg(Box<Message>),
    /// Items joined as the language joins a list.
    List(Join, Vec<Arg>),
    /// A number as the language counts articles: `3`, 三 (in 第三条).
    Numeral(u32),
    /// A provision by its numbers (article, paragraph, item): `§2.1.3`, 第二条第一款第三项.
    Provision(Vec<u32>),
    /// One of the parser's phrases for what it expected (`a date`), by its English text; worded
    /// by the `phrase-*` message whose English text it is.
    Phrase(String),
}

/// How the items of a list are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Join {
    /// `a, b, c` (`a、b、c`).
    Comma,
    /// `a, b or c` (`a、b或c`).
    Or,
    /// `a or b or c` (`a或b或c`).
    EachOr,
    /// `a → b → c`.
    Arrow,
}

impl Message {
    /// The message `id`.
    pub fn new(id: &'static str) -> Message {
        Message {
            id,
            attr: None,
            args: Vec::new(),
        }
    }

    /// The attribute `attr` of the message `id`.
    pub fn attr(id: &'static str, attr: &'static str) -> Message {
        Message {
            id,
            attr: Some(attr),
            args: Vec::new(),
        }
    }

    /// The `help` attribute of the message `id`.
    pub fn help(id: &'static str) -> Message {
        Message::attr(id, "help")
    }

    /// With the argument `name`.
    #[must_use]
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Message {
        self.args.push((name, value.into()));
        self
    }

    /// With the argument `name` shown as code.
    #[must_use]
    pub fn code(self, name: &'static str, value: impl Into<String>) -> Message {
        self.arg(name, Arg::Code(value.into()))
    }

    /// The argument `name`, if it is verbatim text or code.
    pub fn text_arg(&self, name: &str) -> Option<&str> {
        self.args.iter().find_map(|(n, a)| match a {
            Arg::Text(t) | Arg::Code(t) if *n == name => Some(t.as_str()),
            _ => None,
        })
    }

    /// The message in `lang`. A message missing from `lang`'s catalog falls back to the other
    /// language's, then to its id (a test keeps every id in both catalogs).
    pub fn text(&self, lang: Lang) -> String {
        let args = self.fluent_args(lang);
        let found = Lang::ALL
            .into_iter()
            .filter(|l| *l == lang)
            .chain(Lang::ALL.into_iter().filter(|l| *l != lang))
            .find_map(|l| i18n::format(l, self.id, self.attr, Some(&args)));
        match found {
            Some((text, _)) => text,
            None => match self.attr {
                Some(a) => format!("{}.{a}", self.id),
                None => self.id.to_string(),
            },
        }
    }

    /// What is wrong with this message in `lang`: ids and attributes the catalog lacks, phrases
    /// no `phrase-*` message words, and the catalog's formatting errors (an argument it names
    /// that the message does not give). Empty when the message reads as it should.
    pub fn problems(&self, lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        for (_, a) in &self.args {
            a.problems(lang, &mut out);
        }
        let args = self.fluent_args(lang);
        let name = match self.attr {
            Some(a) => format!("{}.{a}", self.id),
            None => self.id.to_string(),
        };
        match i18n::format(lang, self.id, self.attr, Some(&args)) {
            None => out.push(format!("{lang}: no message `{name}`")),
            Some((_, errors)) => {
                out.extend(errors.into_iter().map(|e| format!("{lang}: `{name}`: {e}")));
            }
        }
        out
    }

    fn fluent_args(&self, lang: Lang) -> Args<'static> {
        let mut args = Args::new();
        for (name, a) in &self.args {
            args.set(*name, a.text(lang));
        }
        args
    }
}

impl Arg {
    /// The argument in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Arg::Text(t) => t.clone(),
            Arg::Code(t) => format!("`{t}`"),
            Arg::Date(d) => date(*d, lang),
            Arg::Msg(m) => m.text(lang),
            Arg::List(join, items) => {
                let items: Vec<String> = items.iter().map(|a| a.text(lang)).collect();
                list(*join, &items, lang)
            }
            Arg::Numeral(n) => match lang {
                Lang::Zh => crate::numerals::chinese(*n),
                Lang::En => n.to_string(),
            },
            Arg::Provision(path) => provision(path, lang),
            Arg::Phrase(p) => match phrase_id(p) {
                Some(id) => i18n::text(lang, id, None),
                None => p.clone(),
            },
        }
    }

    fn problems(&self, lang: Lang, out: &mut Vec<String>) {
        match self {
            Arg::Text(_) | Arg::Code(_) | Arg::Date(_) | Arg::Numeral(_) | Arg::Provision(_) => {}
            Arg::Msg(m) => out.extend(m.problems(lang)),
            Arg::List(_, items) => {
                for a in items {
                    a.problems(lang, out);
                }
            }
            Arg::Phrase(p) => {
                if phrase_id(p).is_none() {
                    out.push(format!("no `phrase-*` message reads `{p}` in English"));
                }
            }
        }
    }

    /// A list of names, each as code.
    pub fn codes<S: AsRef<str>>(join: Join, names: &[S]) -> Arg {
        Arg::List(
            join,
            names
                .iter()
                .map(|n| Arg::Code(n.as_ref().to_string()))
                .collect(),
        )
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}

impl From<Date> for Arg {
    fn from(d: Date) -> Arg {
        Arg::Date(d)
    }
}

impl From<Message> for Arg {
    fn from(m: Message) -> Arg {
        Arg::Msg(Box::new(m))
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {
        $(impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Text(n.to_string())
            }
        })*
    };
}

number_args!(u32, u64, usize, i32, i64);

/// A date as `lang` writes it: `2023-03-01`, `2023年3月1日`.
pub fn date(d: Date, lang: Lang) -> String {
    let (y, m, day) = d.ymd();
    let mut args = Args::new();
    args.set("iso", d.to_string());
    args.set("year", y.to_string());
    args.set("month", m.to_string());
    args.set("day", day.to_string());
    i18n::text(lang, "date", Some(&args))
}

/// `items` joined as `lang` joins a list.
pub fn list(join: Join, items: &[String], lang: Lang) -> String {
    let sep = |id: &str| i18n::text(lang, id, None);
    match join {
        Join::Comma => items.join(&sep("list-comma")),
        Join::EachOr => items.join(&sep("list-or")),
        Join::Arrow => items.join(&sep("list-arrow")),
        Join::Or => match items {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => {
                format!("{}{}{last}", init.join(&sep("list-comma")), sep("list-or"))
            }
        },
    }
}

/// A provision as `lang` cites it: `§2.1.3`, 第二条第一款第三项.
pub fn provision(path: &[u32], lang: Lang) -> String {
    match lang {
        Lang::En => {
            let numbers: Vec<String> = path.iter().map(u32::to_string).collect();
            format!("§{}", numbers.join("."))
        }
        Lang::Zh => path
            .iter()
            .zip(["条", "款", "项"])
            .map(|(n, unit)| format!("第{}{unit}", crate::numerals::chinese(*n)))
            .collect(),
    }
}

/// The `phrase-*` message whose English text is `phrase`.
fn phrase_id(phrase: &str) -> Option<&'static str> {
    static PHRASES: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    PHRASES
        .get_or_init(|| {
            i18n::ids(Lang::En)
                .iter()
                .filter(|id| id.starts_with("phrase-"))
                .filter_map(|id| Some((i18n::message(Lang::En, id, None)?, id.as_str())))
                .collect()
        })
        .get(phrase)
        .copied()
}
