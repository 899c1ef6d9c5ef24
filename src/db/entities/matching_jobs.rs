use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "matching_jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub claim_id: Uuid,
    /// JSON array of terms whose counts go up by one.
    pub add_terms: String,
    /// JSON array of terms whose counts go down by one.
    pub remove_terms: String,
    /// Whether the claim's repeats must be found (again).
    pub rematch: bool,
    /// Whether its term-count change has been applied.
    pub counted: bool,
    pub locked_until: Option<DateTimeUtc>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
