use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub position: Option<i64>,
    pub event_type: String,
    pub claim_id: Option<Uuid>,
    pub article_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub at: DateTimeUtc,
    pub kind: String,
    pub data: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
