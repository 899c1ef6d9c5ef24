use super::error::DomainError;

/// A client's precondition on the version it last read (HTTP `If-Match`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum IfMatch {
    /// No precondition, or `*`.
    #[default]
    Any,
    /// The write applies only if the current version is one of these.
    OneOf(Vec<i64>),
}

impl IfMatch {
    pub fn check(&self, entity: &'static str, current: i64) -> Result<(), DomainError> {
        match self {
            IfMatch::OneOf(versions) if !versions.contains(&current) => {
                Err(DomainError::StaleVersion { entity, current })
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_versions() {
        assert!(IfMatch::Any.check("claim", 3).is_ok());
        assert!(IfMatch::OneOf(vec![2, 3]).check("claim", 3).is_ok());
        assert_eq!(
            IfMatch::OneOf(vec![2]).check("claim", 3),
            Err(DomainError::StaleVersion {
                entity: "claim",
                current: 3
            })
        );
        assert!(IfMatch::OneOf(vec![]).check("claim", 3).is_err());
    }
}
