//! Links between claims. Every relation is symmetric; `same_as` is also
//! transitive, so claims joined by it form a group that shares one verdict.

use chrono::{DateTime, Utc};

use super::claim::{Claim, ClaimStatus, VerdictRecord};
use super::error::DomainError;
use super::ids::{ClaimId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    SameAs,
    Contradicts,
    Related,
}

impl Relation {
    pub const ALL: [Relation; 3] = [Self::SameAs, Self::Contradicts, Self::Related];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SameAs => "same_as",
            Self::Contradicts => "contradicts",
            Self::Related => "related",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }
}

/// The two ends of a link, smaller id first: (a, b) and (b, a) are one pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pair(ClaimId, ClaimId);

impl Pair {
    pub fn new(a: ClaimId, b: ClaimId) -> Result<Self, DomainError> {
        if a == b {
            return Err(DomainError::invalid(
                "claim_id",
                "a claim cannot be linked to itself",
            ));
        }
        Ok(if a < b { Self(a, b) } else { Self(b, a) })
    }

    pub fn low(self) -> ClaimId {
        self.0
    }

    pub fn high(self) -> ClaimId {
        self.1
    }

    /// The end that is not `from`.
    pub fn other(self, from: ClaimId) -> ClaimId {
        if self.0 == from { self.1 } else { self.0 }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub pair: Pair,
    pub relation: Relation,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// Why a new link would make no sense, given the `same_as` groups the two
/// claims are in.
pub fn check_new(relation: Relation, same_group: bool) -> Result<(), DomainError> {
    match relation {
        Relation::Contradicts if same_group => Err(DomainError::Conflict(
            "these claims are in one same_as group; a claim cannot contradict its own group".into(),
        )),
        Relation::SameAs if same_group => Err(DomainError::Conflict(
            "these claims are already in one same_as group".into(),
        )),
        _ => Ok(()),
    }
}

/// Claims joined by `same_as`, and the verdict they share: the most
/// recently approved one among them.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub members: Vec<ClaimId>,
    pub verdict: Option<(ClaimId, VerdictRecord)>,
}

impl Group {
    pub fn of(members: &[Claim]) -> Self {
        let verdict = members
            .iter()
            .filter(|c| c.status == ClaimStatus::Verified)
            .filter_map(|c| {
                let v = c.verdict.as_ref()?;
                Some((v.approved_at?, c.id, v))
            })
            .max_by_key(|(at, id, _)| (*at, *id))
            .map(|(_, id, v)| (id, v.clone()));
        Self {
            members: members.iter().map(|c| c.id).collect(),
            verdict,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_unordered_and_never_a_loop() {
        let (a, b) = (ClaimId::generate(), ClaimId::generate());
        assert_eq!(Pair::new(a, b).unwrap(), Pair::new(b, a).unwrap());
        assert_eq!(Pair::new(b, a).unwrap().low(), a);
        assert_eq!(Pair::new(a, b).unwrap().other(b), a);
        assert!(Pair::new(a, a).is_err());
    }

    #[test]
    fn relations_round_trip_and_groups_stay_coherent() {
        for r in Relation::ALL {
            assert_eq!(Relation::parse(r.as_str()), Some(r));
        }
        assert_eq!(Relation::parse("same"), None);
        assert!(check_new(Relation::Contradicts, true).is_err());
        assert!(check_new(Relation::SameAs, true).is_err());
        assert!(check_new(Relation::Related, true).is_ok());
        assert!(check_new(Relation::SameAs, false).is_ok());
        assert!(check_new(Relation::Contradicts, false).is_ok());
    }
}
