use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "claim_quantities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub claim_id: Uuid,
    pub position: i32,
    pub value: f64,
    pub value_max: Option<f64>,
    pub of_value: Option<f64>,
    pub unit: Option<String>,
    pub unit_key: Option<String>,
    pub qualifier: String,
    pub text: String,
    pub span_start: i32,
    pub span_end: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
