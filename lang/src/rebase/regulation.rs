//! Regulations (their text) and coverage notes.

use super::{no_span, To};
use crate::ast::*;
use crate::date::Date;
use crate::span::Span;

impl To {
    pub(super) fn coverage(self, x: &mut CoverageDecl) {
        let CoverageDecl {
            regulation,
            entries,
            span,
        } = x;
        self.ident(regulation);
        for e in entries {
            let CoverageEntry {
                articles,
                decidable,
                reason,
                span,
            } = e;
            no_span(decidable);
            for (path, s) in articles {
                no_span(path);
                self.span(s);
            }
            self.str(reason);
            self.span(span);
        }
        self.span(span);
    }

    pub(super) fn regulation(self, x: &mut Regulation) {
        let Regulation {
            id,
            title,
            issuer,
            number,
            rank,
            territory,
            in_force,
            unavailable,
            style,
            chapters,
            articles,
            missing,
            span,
        } = x;
        self.ident(id);
        self.str(title);
        self.opt_str(issuer);
        self.opt_str(number);
        self.opt_ident(rank);
        self.opt_str(territory);
        if let Some(InForce {
            from,
            until,
            note,
            span,
        }) = in_force
        {
            no_span(from);
            no_span(until);
            self.opt_str(note);
            self.span(span);
        }
        self.opt_str(unavailable);
        self.opt_ident(style);
        for c in chapters {
            let Chapter {
                number,
                title,
                span,
            } = c;
            no_span(number);
            self.str(title);
            self.span(span);
        }
        for a in articles {
            self.article(a);
        }
        for m in missing {
            let Missing {
                from,
                to,
                note,
                span,
            } = m;
            no_span(from);
            no_span(to);
            self.str(note);
            self.span(span);
        }
        self.span(span);
    }

    fn article(self, a: &mut Article) {
        let Article {
            number,
            partial,
            from,
            until,
            chapter,
            paras,
            single,
            span,
        } = a;
        no_span(number);
        no_span(partial);
        for (d, s) in [from, until].into_iter().flatten() {
            no_span(d);
            self.span(s);
        }
        no_span(chapter);
        no_span(single);
        for p in paras {
            let Para {
                number,
                text,
                items,
                from,
                until,
                defects,
                span,
            } = p;
            no_span(number);
            self.str(text);
            self.dates(from, until);
            self.defects(defects);
            for i in items {
                let ItemText {
                    number,
                    text,
                    from,
                    until,
                    defects,
                    span,
                } = i;
                no_span(number);
                self.str(text);
                self.dates(from, until);
                self.defects(defects);
                self.span(span);
            }
            self.span(span);
        }
        self.span(span);
    }

    fn dates(self, from: &mut Option<(Date, Span)>, until: &mut Option<(Date, Span)>) {
        for (d, s) in [from, until].into_iter().flatten() {
            no_span(d);
            self.span(s);
        }
    }

    fn defects(self, defects: &mut [Defect]) {
        for d in defects {
            let Defect {
                kind,
                run,
                reading,
                until,
                span,
            } = d;
            no_span(kind);
            self.str(run);
            self.opt_str(reading);
            if let Some((d, s)) = until {
                no_span(d);
                self.span(s);
            }
            self.span(span);
        }
    }

    pub(super) fn interpretation(self, x: &mut InterpretationDecl) {
        let InterpretationDecl {
            name,
            of,
            says,
            means,
            adopted_by,
            adopted_on,
            span,
        } = x;
        self.ident(name);
        self.cites(of);
        self.str(says);
        self.str(means);
        self.str(adopted_by);
        no_span(adopted_on);
        self.span(span);
    }
}
