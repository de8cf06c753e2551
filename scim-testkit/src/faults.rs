//! The faults in force at run time: which rule a request triggers, and how many uses
//! each rule has left.

use crate::config::{FaultKind, FaultRule, Faults};

/// [`Faults`] with the remaining uses of each rule.
#[derive(Debug, Clone, Default)]
pub(crate) struct FaultState {
    faults: Faults,
}

impl FaultState {
    pub fn new(faults: Faults) -> FaultState {
        FaultState { faults }
    }

    /// The faults as they stand (rules' `times` are the uses left).
    pub fn current(&self) -> Faults {
        self.faults.clone()
    }

    pub fn latency_ms(&self) -> u64 {
        self.faults.latency_ms
    }

    pub fn ignore_start_index(&self) -> bool {
        self.faults.ignore_start_index
    }

    /// The fault for a request, if a rule matches; uses it up once.
    pub fn take(&mut self, method: &str, path: &str) -> Option<FaultRule> {
        let i = self
            .faults
            .rules
            .iter()
            .position(|r| matches(r, method, path))?;
        let rule = self.faults.rules[i].clone();
        if let Some(n) = &mut self.faults.rules[i].times {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.faults.rules.remove(i);
            }
        }
        Some(rule)
    }
}

fn matches(rule: &FaultRule, method: &str, path: &str) -> bool {
    rule.times != Some(0)
        && rule
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
        && rule.path.as_deref().is_none_or(|p| path.starts_with(p))
}

/// True for faults answered before the request is executed.
pub(crate) fn is_pre_execution(kind: FaultKind) -> bool {
    matches!(
        kind,
        FaultKind::RateLimit | FaultKind::Unavailable | FaultKind::HtmlError
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_in_order_and_run_out() {
        let mut s = FaultState::new(Faults {
            rules: vec![
                FaultRule::new(FaultKind::RateLimit)
                    .times(2)
                    .method("get")
                    .path("/Users"),
                FaultRule::new(FaultKind::Unavailable).times(1),
            ],
            ..Faults::default()
        });
        assert_eq!(
            s.take("POST", "/Users").unwrap().fault,
            FaultKind::Unavailable
        );
        assert!(s.take("POST", "/Users").is_none());
        assert_eq!(
            s.take("GET", "/Users/1").unwrap().fault,
            FaultKind::RateLimit
        );
        assert_eq!(s.current().rules[0].times, Some(1));
        assert!(s.take("GET", "/Groups").is_none());
        assert_eq!(s.take("GET", "/Users").unwrap().fault, FaultKind::RateLimit);
        assert!(s.take("GET", "/Users").is_none());
        let mut forever = FaultState::new(Faults {
            rules: vec![FaultRule::new(FaultKind::Reset)],
            ..Faults::default()
        });
        for _ in 0..5 {
            assert!(forever.take("DELETE", "/x").is_some());
        }
    }
}
