//! The floor: Binzhou's share decision hand-written in plain Rust, over the same facts and
//! calendar the policy version decides with, so `benches/decide.rs` can print how far the
//! evaluator is from it.
//!
//! It is the law of `policies/binzhou/sharing.dlx` (with what it keeps of
//! `policies/shandong/measures.dlx` and `policies/national/sharing.dlx`) for requests dated after
//! both the Binzhou measures (2023-03-01) and the national regulation (2025-08-01) took effect:
//! the guards in their order, the effective sharing tier with its emergency exception, the
//! rules and the exceptions that override them, the reply deadline (the national and the
//! provincial period, one prevailing) counted on the working-day calendar. It returns what
//! decides: the effect, the reasons (code and text) and the deadlines (code, party and due date).
//! It computes no findings, no citations and no trace, so it is a floor, not a rival: the
//! benchmark checks that it agrees with the policy on every case it times.

use datalex_evaluator::facts::{Emergency, Institution, InstitutionKind, LegalRank, ShareTier};
use datalex_evaluator::request::{Channel, ShareRequest};
use datalex_evaluator::{Calendar, Facts};
use datalex_lang::date::Date;

/// What the hand-written decision says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Native<'a> {
    /// `permit`, `review` or `deny`.
    pub effect: &'static str,
    /// Reasons, most specific first: code and text.
    pub reasons: Vec<(&'static str, &'static str)>,
    /// Deadlines: code, the institution that must act, due date.
    pub deadlines: Vec<(&'static str, &'a str, Date)>,
}

/// 《政务数据共享条例》 takes effect (第四十四条).
fn national_from() -> Date {
    Date::from_ymd(2025, 8, 1).expect("a date")
}

fn deny<'a>(code: &'static str, text: &'static str) -> Native<'a> {
    Native {
        effect: "deny",
        reasons: vec![(code, text)],
        deadlines: Vec::new(),
    }
}

/// 第二条 of the national regulation: a government body or an authorised organisation.
fn government(i: &Institution) -> bool {
    matches!(
        i.kind,
        InstitutionKind::Government | InstitutionKind::AuthorizedOrganization
    )
}

fn date_field(i: &Institution, name: &str) -> Option<Date> {
    i.extra
        .get(name)
        .and_then(|v| v.as_str())
        .and_then(|s| Date::parse(s).ok())
}

fn strong(rank: LegalRank) -> bool {
    matches!(rank, LegalRank::Law | LegalRank::AdministrativeRegulation)
}

const REPLY: &str = "provider_reply";

/// Binzhou's decision on a share request.
pub fn share<'a>(
    facts: &'a Facts,
    calendar: &Calendar,
    r: &'a ShareRequest,
    at: Date,
) -> Native<'a> {
    // Guards, in the plan's order.
    let Some(dataset) = facts.dataset(&r.dataset) else {
        return deny(
            "dataset_not_in_catalog",
            "公共数据实行统一目录管理；目录中没有该数据资源，不能据以共享或开放。",
        );
    };
    if dataset
        .categories
        .iter()
        .any(|c| c == "state_secret" || c == "work_secret")
    {
        return deny("secret_data_excluded", "该数据属于国家秘密或者工作秘密，按照有关法律、法规的规定执行，不适用本办法的共享和开放。");
    }
    let Some(requester) = facts.institution(&r.requester) else {
        return deny(
            "requester_not_public_body",
            "申请单位不在公共管理和服务机构名录之中；本办法的共享在公共管理和服务机构之间进行。",
        );
    };
    let provider = facts.institution(&dataset.provider);
    // The national regulation applies: in force, between government bodies (第二条).
    let from = national_from();
    let national_on =
        |day: Date| day >= from && government(requester) && provider.is_some_and(government);
    let national = national_on(at);
    if national {
        let suspended = date_field(requester, "sharing_suspended_on").is_some_and(|s| s <= at)
            && date_field(requester, "sharing_restored_on").is_none_or(|e| e > at);
        if suspended {
            return deny(
                "sharing_rights_suspended",
                "申请部门的政务数据共享权限已被暂停，暂停期间不予共享。",
            );
        }
    }
    let covering: Vec<&Emergency> = facts
        .emergencies
        .iter()
        .filter(|e| {
            e.start <= at
                && at <= e.end
                && (e.datasets.contains(&dataset.id)
                    || dataset.categories.iter().any(|c| e.categories.contains(c)))
                && e.responders.contains(&requester.id)
        })
        .map(|e| &**e)
        .collect();
    if !requester.duties.contains(&r.scenario)
        && !covering
            .iter()
            .any(|e| e.scenario.as_deref() == Some(r.scenario.as_str()))
    {
        return deny("purpose_outside_duties", "申请的应用场景既不属于申请单位的法定职责，也不属于其参与处置的突发公共事件，不得共享使用。");
    }
    if r.channel == Some(Channel::Private)
        && !dataset.off_platform_basis.iter().any(|b| strong(b.rank))
    {
        return deny(
            "platform_required",
            "公共管理和服务机构应当依托市大数据平台开展公共数据共享。",
        );
    }
    // The effective tier: a conditional dataset an emergency lists by id is unconditional.
    let reclassified = dataset.share == ShareTier::Conditional
        && covering.iter().any(|e| e.datasets.contains(&dataset.id));
    let effective = if reclassified {
        ShareTier::Unconditional
    } else {
        dataset.share
    };
    let strong_basis = dataset
        .legal_basis
        .iter()
        .any(|b| strong(b.rank) || b.rank == LegalRank::StateCouncilDecision && national);
    // The reply deadline from the day the application was received, under the law of that day:
    // the national period where the regulation applies then, else the provincial one (10
    // working days); of the two, for conditional data, the same day, the national prevails.
    let received = r.received_on.unwrap_or(at);
    let reply = |national_days: u32, provincial: bool| {
        let days = if national_on(received.min(at)) {
            Some(national_days)
        } else if provincial {
            Some(10)
        } else {
            None
        };
        days.map(|n| {
            (
                REPLY,
                dataset.provider.as_str(),
                calendar.add_working_days(received, n).due,
            )
        })
    };
    let restricted = matches!(dataset.share, ShareTier::Conditional | ShareTier::NotShared)
        && effective != ShareTier::Unconditional;
    // Rules and the exceptions that override them, most specific first.
    let mut out = if restricted && !strong_basis {
        Native {
            effect: "review",
            reasons: vec![("tier_lacks_legal_basis", "该数据列入有条件共享类或者不予共享类，但目录没有列明法律、行政法规依据。由数据提供单位答复并更正目录。")],
            deadlines: reply(10, true).into_iter().collect(),
        }
    } else if restricted && !covering.is_empty() {
        Native {
            effect: "review",
            reasons: vec![(
                "emergency_adjustment_pending",
                "发生突发公共事件，数据提供单位应当及时对该数据的共享属性作临时性调整。",
            )],
            deadlines: Vec::new(),
        }
    } else {
        match effective {
            ShareTier::Unconditional => Native {
                effect: "permit",
                reasons: vec![(
                    "unconditional_share",
                    "无条件共享类公共数据，可以提供给所有公共管理和服务机构共享。",
                )],
                deadlines: reply(1, false).into_iter().collect(),
            },
            ShareTier::Conditional => {
                let conditions = dataset.share_conditions.as_ref();
                let not_met = conditions.is_some_and(|c| {
                    c.institutions
                        .as_ref()
                        .is_some_and(|i| !i.contains(&requester.id))
                        || c.scenarios
                            .as_ref()
                            .is_some_and(|s| !s.contains(&r.scenario))
                });
                if not_met {
                    deny(
                        "share_conditions_not_met",
                        "申请单位或者应用场景不在该数据共享条件列明的范围内。",
                    )
                } else {
                    Native {
                        effect: "review",
                        reasons: vec![(
                            "conditional_share_application",
                            "该数据属于有条件共享类；是否同意本申请，由数据提供单位答复。",
                        )],
                        deadlines: reply(10, true).into_iter().collect(),
                    }
                }
            }
            ShareTier::NotShared => deny(
                "not_shared",
                "不予共享类公共数据，依法不得提供给其他公共管理和服务机构共享。",
            ),
        }
    };
    if reclassified && effective == ShareTier::Unconditional {
        out.reasons.insert(0, ("emergency_reclassification", "发生突发公共事件，该有条件共享数据已列入事件的数据清单，共享属性临时调整为无条件共享。"));
    }
    out
}
