use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

/// Tracking claims across articles: full-text indexes kept in step by
/// triggers (so every write path, and every transaction, sees them current),
/// term frequencies and stored matches for repeated-claim detection, and
/// links between claims.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Claims {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ClaimQuantities {
    Table,
    UnitKey,
    Value,
}

#[derive(DeriveIden)]
enum TermStats {
    Table,
    Term,
    Claims,
}

#[derive(DeriveIden)]
enum ClaimMatches {
    Table,
    ClaimId,
    MatchId,
    Score,
}

#[derive(DeriveIden)]
enum ClaimLinks {
    Table,
    Id,
    ClaimId,
    OtherId,
    Relation,
    CreatedBy,
    CreatedAt,
}

const POSTGRES_UP: &[&str] = &[
    // Claims are searched by their text, claimant and article title, weighted
    // in that order. The title lives in `articles`, so a generated column
    // cannot hold it: triggers keep the vector current on both sides.
    "ALTER TABLE claims ADD COLUMN search tsvector",
    "CREATE FUNCTION claim_search_vector(t text, claimant text, article uuid) RETURNS tsvector AS $$
       SELECT setweight(to_tsvector('english', t), 'A')
           || setweight(to_tsvector('english', coalesce(claimant, '')), 'B')
           || setweight(to_tsvector('english', coalesce((SELECT title FROM articles WHERE id = article), '')), 'C')
     $$ LANGUAGE sql STABLE",
    "CREATE FUNCTION claims_search_refresh() RETURNS trigger AS $$
     BEGIN NEW.search := claim_search_vector(NEW.text, NEW.claimant, NEW.article_id); RETURN NEW; END;
     $$ LANGUAGE plpgsql",
    "CREATE TRIGGER claims_search_refresh BEFORE INSERT OR UPDATE OF text, claimant, article_id ON claims
     FOR EACH ROW EXECUTE FUNCTION claims_search_refresh()",
    "CREATE FUNCTION article_title_search_refresh() RETURNS trigger AS $$
     BEGIN
       UPDATE claims SET search = claim_search_vector(text, claimant, article_id) WHERE article_id = NEW.id;
       RETURN NULL;
     END;
     $$ LANGUAGE plpgsql",
    "CREATE TRIGGER article_title_search_refresh AFTER UPDATE OF title ON articles
     FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION article_title_search_refresh()",
    "UPDATE claims SET search = claim_search_vector(text, claimant, article_id)",
    "CREATE INDEX idx_claims_search ON claims USING GIN (search)",
    "ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
       setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
     ) STORED",
    "CREATE INDEX idx_articles_search ON articles USING GIN (search)",
];

const POSTGRES_DOWN: &[&str] = &[
    "ALTER TABLE articles DROP COLUMN search",
    "DROP TRIGGER article_title_search_refresh ON articles",
    "DROP FUNCTION article_title_search_refresh()",
    "DROP TRIGGER claims_search_refresh ON claims",
    "DROP FUNCTION claims_search_refresh()",
    "ALTER TABLE claims DROP COLUMN search",
    "DROP FUNCTION claim_search_vector(text, text, uuid)",
];

/// FTS5 tables keyed by the rowid of the row they index. Porter stemming
/// over unicode61 so "attack" finds "attacks" and accents fold.
const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE claims_fts USING fts5(text, claimant, title,
       tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN
       INSERT INTO claims_fts (rowid, text, claimant, title) VALUES (new.rowid, new.text,
         coalesce(new.claimant, ''), coalesce((SELECT title FROM articles WHERE id = new.article_id), ''));
     END",
    "CREATE TRIGGER claims_fts_update AFTER UPDATE OF text, claimant, article_id ON claims BEGIN
       UPDATE claims_fts SET text = new.text, claimant = coalesce(new.claimant, ''),
         title = coalesce((SELECT title FROM articles WHERE id = new.article_id), '')
       WHERE rowid = new.rowid;
     END",
    "CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
       DELETE FROM claims_fts WHERE rowid = old.rowid;
     END",
    "INSERT INTO claims_fts (rowid, text, claimant, title)
       SELECT c.rowid, c.text, coalesce(c.claimant, ''), coalesce(a.title, '')
       FROM claims c LEFT JOIN articles a ON a.id = c.article_id",
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body,
       tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
       INSERT INTO articles_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
     END",
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN
       UPDATE articles_fts SET title = new.title, body = new.body WHERE rowid = new.rowid;
       UPDATE claims_fts SET title = new.title
         WHERE new.title IS NOT old.title AND rowid IN (SELECT rowid FROM claims WHERE article_id = new.id);
     END",
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
       DELETE FROM articles_fts WHERE rowid = old.rowid;
     END",
    "INSERT INTO articles_fts (rowid, title, body) SELECT rowid, title, body FROM articles",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER articles_fts_delete",
    "DROP TRIGGER articles_fts_update",
    "DROP TRIGGER articles_fts_insert",
    "DROP TABLE articles_fts",
    "DROP TRIGGER claims_fts_delete",
    "DROP TRIGGER claims_fts_update",
    "DROP TRIGGER claims_fts_insert",
    "DROP TABLE claims_fts",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            DbBackend::Postgres => POSTGRES_UP,
            _ => SQLITE_UP,
        };
        for sql in statements {
            db.execute_unprepared(sql).await?;
        }

        // The unit a quantity counts, in singular form, so "troops" and
        // "troop" meet in one index. Rows from before get the lower-cased
        // unit; the application writes the singular form from now on.
        manager
            .alter_table(
                Table::alter()
                    .table(ClaimQuantities::Table)
                    .add_column(string_len_null(ClaimQuantities::UnitKey, 100))
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared("UPDATE claim_quantities SET unit_key = lower(unit)")
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_claim_quantities_unit_key_value")
                    .table(ClaimQuantities::Table)
                    .col(ClaimQuantities::UnitKey)
                    .col(ClaimQuantities::Value)
                    .to_owned(),
            )
            .await?;

        // How many live claims use each stemmed term: the rarity that weighs
        // shared words. The empty term counts all claims.
        manager
            .create_table(
                Table::create()
                    .table(TermStats::Table)
                    .col(string_len(TermStats::Term, 100).primary_key())
                    .col(big_integer(TermStats::Claims))
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "INSERT INTO term_stats (term, claims) SELECT '', count(*) FROM claims WHERE deleted_at IS NULL",
        )
        .await?;

        // Repeats found when a claim was created or reworded, stored both
        // ways so a claim's list entry can show an already verified repeat.
        manager
            .create_table(
                Table::create()
                    .table(ClaimMatches::Table)
                    .col(uuid(ClaimMatches::ClaimId))
                    .col(uuid(ClaimMatches::MatchId))
                    .col(double(ClaimMatches::Score))
                    .primary_key(
                        Index::create()
                            .col(ClaimMatches::ClaimId)
                            .col(ClaimMatches::MatchId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_claim_matches_claim")
                            .from(ClaimMatches::Table, ClaimMatches::ClaimId)
                            .to(Claims::Table, Claims::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_claim_matches_match")
                            .from(ClaimMatches::Table, ClaimMatches::MatchId)
                            .to(Claims::Table, Claims::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_claim_matches_match")
                    .table(ClaimMatches::Table)
                    .col(ClaimMatches::MatchId)
                    .to_owned(),
            )
            .await?;

        // One link per pair of claims, stored with the smaller id first:
        // every relation is symmetric.
        manager
            .create_table(
                Table::create()
                    .table(ClaimLinks::Table)
                    .col(uuid(ClaimLinks::Id).primary_key())
                    .col(uuid(ClaimLinks::ClaimId))
                    .col(uuid(ClaimLinks::OtherId))
                    .col(string_len(ClaimLinks::Relation, 20))
                    .col(uuid(ClaimLinks::CreatedBy))
                    .col(timestamp_with_time_zone(ClaimLinks::CreatedAt))
                    .check(Expr::col(ClaimLinks::ClaimId).lt(Expr::col(ClaimLinks::OtherId)))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_claim_links_claim")
                            .from(ClaimLinks::Table, ClaimLinks::ClaimId)
                            .to(Claims::Table, Claims::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_claim_links_other")
                            .from(ClaimLinks::Table, ClaimLinks::OtherId)
                            .to(Claims::Table, Claims::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_claim_links_created_by")
                            .from(ClaimLinks::Table, ClaimLinks::CreatedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_claim_links_pair")
                    .table(ClaimLinks::Table)
                    .col(ClaimLinks::ClaimId)
                    .col(ClaimLinks::OtherId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_claim_links_other")
                    .table(ClaimLinks::Table)
                    .col(ClaimLinks::OtherId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ClaimLinks::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ClaimMatches::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(TermStats::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_claim_quantities_unit_key_value")
                    .table(ClaimQuantities::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ClaimQuantities::Table)
                    .drop_column(ClaimQuantities::UnitKey)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            DbBackend::Postgres => POSTGRES_DOWN,
            _ => SQLITE_DOWN,
        };
        for sql in statements {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
