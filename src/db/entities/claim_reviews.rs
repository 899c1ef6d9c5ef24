use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "claim_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub claim_id: Uuid,
    /// The ClaimReview JSON as published.
    pub body: String,
    pub published_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
