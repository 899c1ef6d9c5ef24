use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "fact_checks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub review_url: String,
    /// The review URL normalised: one fact-check per key.
    #[sea_orm(unique)]
    pub review_url_key: String,
    pub publisher_name: String,
    pub publisher_url: Option<String>,
    pub claim_reviewed: String,
    pub claimant: Option<String>,
    pub rating_name: Option<String>,
    pub rating_value: Option<f64>,
    pub best_rating: Option<f64>,
    pub worst_rating: Option<f64>,
    pub date_published: Option<DateTimeUtc>,
    pub appearance_url: Option<String>,
    /// The ClaimReview as it was imported.
    pub body: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
