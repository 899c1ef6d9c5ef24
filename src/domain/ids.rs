use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($name:ident) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub Uuid);

        impl $name {
            /// Version 7 ids sort by creation time, which keeps index pages
            /// append-mostly and makes ties in `created_at` break in creation order.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(ArticleId);
id_type!(ClaimId);
id_type!(UserId);
id_type!(TokenId);
id_type!(SourceId);
id_type!(EventId);
id_type!(CommentId);
id_type!(FactCheckId);
