//! Printing expressions back as source text, for traces and explanations.

use datalex_lang::ast::{Expr, ExprKind};

/// The expression as one line of policy source.
pub fn expr_to_string(e: &Expr) -> String {
    let mut s = String::new();
    write(e, &mut s, 0);
    s
}

fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Quant { .. } | ExprKind::Each { .. } => 0,
        ExprKind::Binary(datalex_lang::ast::BinOp::Or, ..) => 1,
        ExprKind::Binary(datalex_lang::ast::BinOp::And, ..) => 2,
        ExprKind::Not(_) => 3,
        ExprKind::Binary(datalex_lang::ast::BinOp::Add | datalex_lang::ast::BinOp::Sub, ..) => 5,
        ExprKind::Binary(..)
        | ExprKind::In { .. }
        | ExprKind::IsMissing(_)
        | ExprKind::Exists(_) => 4,
        _ => 6,
    }
}

fn write(e: &Expr, out: &mut String, min: u8) {
    let p = prec(e);
    let paren = p < min;
    if paren {
        out.push('(');
    }
    match &e.kind {
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::Field(b, f) => {
            write(b, out, 6);
            out.push('.');
            out.push_str(&f.name);
        }
        ExprKind::Index(b, k) => {
            write(b, out, 6);
            out.push('[');
            write(k, out, 0);
            out.push(']');
        }
        ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ExprKind::Int(i) => out.push_str(&i.to_string()),
        ExprKind::Str(s) => {
            out.push('"');
            out.push_str(&s.replace('\\', "\\\\").replace('"', "\\\""));
            out.push('"');
        }
        ExprKind::Date(d) => out.push_str(&d.to_string()),
        ExprKind::Duration { count, working } => {
            out.push_str(&count.to_string());
            out.push_str(match (working, *count == 1) {
                (true, true) => " working day",
                (true, false) => " working days",
                (false, true) => " day",
                (false, false) => " days",
            });
        }
        ExprKind::Set(xs) | ExprKind::List(xs) => {
            let (open, close) = if matches!(e.kind, ExprKind::Set(_)) {
                ('{', '}')
            } else {
                ('[', ']')
            };
            out.push(open);
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(x, out, 0);
            }
            out.push(close);
        }
        ExprKind::Not(x) => {
            out.push_str("not ");
            write(x, out, 3);
        }
        ExprKind::Binary(op, a, b) => {
            write(a, out, p);
            out.push(' ');
            out.push_str(op.as_str());
            out.push(' ');
            write(b, out, p + 1);
        }
        ExprKind::IsMissing(x) => {
            write(x, out, 5);
            out.push_str(" is missing");
        }
        ExprKind::Exists(x) => {
            write(x, out, 5);
            out.push_str(" exists");
        }
        ExprKind::In {
            negated,
            elem,
            coll,
        } => {
            write(elem, out, 5);
            out.push_str(if *negated { " not in " } else { " in " });
            write(coll, out, 5);
        }
        ExprKind::Quant {
            all,
            var,
            coll,
            body,
        } => {
            out.push_str(if *all { "all " } else { "any " });
            out.push_str(&var.name);
            out.push_str(" in ");
            write(coll, out, 5);
            // `any x in c` is written without a condition; the parser supplies `true`.
            if !matches!(body.kind, ExprKind::Bool(true)) {
                out.push_str(": ");
                write(body, out, 0);
            }
        }
        ExprKind::Each { var, coll, cond } => {
            out.push_str("each ");
            out.push_str(&var.name);
            out.push_str(" in ");
            write(coll, out, 5);
            out.push_str(" where ");
            write(cond, out, 0);
        }
    }
    if paren {
        out.push(')');
    }
}
