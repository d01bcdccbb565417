//! Images of the questions typed into the quiz editor, stored as the server re-encoded them
//! (never as uploaded), under a random name (`domain::authoring::is_image_name`).

use sqlx::Row;

use super::{unix_ms, Result, Store};
use crate::domain::AccountId;

impl Store {
    pub async fn save_image(
        &self,
        name: &str,
        owner: AccountId,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO question_images (name, owner_id, content_type, bytes, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(name)
        .bind(owner)
        .bind(content_type)
        .bind(bytes)
        .bind(unix_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The content type and bytes of image `name`.
    pub async fn image(&self, name: &str) -> Result<Option<(String, Vec<u8>)>> {
        let row = sqlx::query("SELECT content_type, bytes FROM question_images WHERE name = $1")
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
    }

    /// The names of the images `owner` uploaded.
    pub async fn images_of(&self, owner: AccountId) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT name FROM question_images WHERE owner_id = $1")
            .bind(owner)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| r.try_get(0)).collect()
    }
}
