use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "claims")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub article_id: Option<Uuid>,
    pub text: String,
    pub span_start: Option<i32>,
    pub span_end: Option<i32>,
    pub claimant: Option<String>,
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub version: i64,
    pub created_by: Option<Uuid>,
    pub kind: Option<String>,
    pub checkworthiness: Option<f64>,
    pub assignee_id: Option<Uuid>,
    pub verdict_rating: Option<String>,
    pub verdict_summary: Option<String>,
    pub verdict_proposed_by: Option<Uuid>,
    pub verdict_proposed_at: Option<DateTimeUtc>,
    pub verdict_approved_by: Option<Uuid>,
    pub verdict_approved_at: Option<DateTimeUtc>,
    /// The quantities as a claim is shown with them (JSON); `claim_quantities`
    /// holds them for searching. NULL on rows from before it existed.
    pub quantities_json: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
