//! The canonical text form of filters (`Display`), which [`Filter::parse`] reads back
//! into an equal tree.
//!
//! Canonical means: operators and keywords in lower case, names as spelled in the tree,
//! one space between tokens, values as compact JSON (strings escaped per RFC 8259, so a
//! value can never end the string early: the printed filter always means exactly the
//! value in the tree), and parentheses only where precedence (`not` > `and` > `or`,
//! both left-associative) requires them.

use std::fmt::{self, Display, Formatter, Write};

use crate::filter::ast::{AttrPath, CompareOp, Filter};

impl Display for AttrPath {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            f.write_str(urn)?;
            f.write_char(':')?;
        }
        f.write_str(&self.name)?;
        if let Some(sub) = &self.sub_attr {
            f.write_char('.')?;
            f.write_str(sub)?;
        }
        Ok(())
    }
}

impl Display for CompareOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Display for Filter {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_filter(f, self)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Logic {
    And,
    Or,
}

fn write_filter(f: &mut Formatter<'_>, filter: &Filter) -> fmt::Result {
    match filter {
        Filter::Compare { path, op, value } => write!(f, "{path} {op} {value}"),
        Filter::Present(path) => write!(f, "{path} pr"),
        Filter::Not(inner) => {
            f.write_str("not (")?;
            write_filter(f, inner)?;
            f.write_char(')')
        }
        Filter::ValuePath { attr, filter } => {
            write!(f, "{attr}[")?;
            write_filter(f, filter)?;
            f.write_char(']')
        }
        Filter::And(..) | Filter::Or(..) => {
            // Walk the left spine of a chain iteratively: long `or` lists are deep trees.
            let logic = if matches!(filter, Filter::And(..)) {
                Logic::And
            } else {
                Logic::Or
            };
            let mut rights = Vec::new();
            let mut leftmost = filter;
            while let (Logic::And, Filter::And(l, r)) | (Logic::Or, Filter::Or(l, r)) =
                (logic, leftmost)
            {
                rights.push(&**r);
                leftmost = l;
            }
            write_operand(f, leftmost, logic, false)?;
            let kw = if logic == Logic::And { " and " } else { " or " };
            for right in rights.into_iter().rev() {
                f.write_str(kw)?;
                write_operand(f, right, logic, true)?;
            }
            Ok(())
        }
    }
}

/// An operand of `and`/`or`, parenthesised when precedence or associativity needs it.
fn write_operand(
    f: &mut Formatter<'_>,
    operand: &Filter,
    logic: Logic,
    right: bool,
) -> fmt::Result {
    let parens = match operand {
        Filter::Or(..) => logic == Logic::And || right,
        Filter::And(..) => logic == Logic::And && right,
        _ => false,
    };
    if parens {
        f.write_char('(')?;
        write_filter(f, operand)?;
        f.write_char(')')
    } else {
        write_filter(f, operand)
    }
}
