//! What the benchmarks share.

use sea_orm::{ConnectionTrait, Statement};

/// The URL of database `name` on the PostgreSQL `server`, created if it is
/// missing; with `fresh`, dropped and created anew.
pub async fn postgres_database(server: &str, name: &str, fresh: bool) -> String {
    let server = server.trim_end_matches('/');
    let admin = claimdesk::db::connect(&format!("{server}/postgres"))
        .await
        .expect("connect to PostgreSQL");
    if fresh {
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .expect("drop the bench database");
    }
    let exists = admin
        .query_one_raw(Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .expect("list databases")
        .is_some();
    if !exists {
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create the bench database");
    }
    format!("{server}/{name}")
}
