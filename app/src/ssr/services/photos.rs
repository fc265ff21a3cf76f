//! Photos of an initiative: checked by their content (JPEG, PNG or WebP,
//! whatever the file is called), limited in size and dimensions, decoded and
//! encoded again — which leaves every piece of metadata (EXIF, location)
//! behind — and given a small JPEG thumbnail. Files live under the uploads
//! directory; the database row says where.

use super::{now, propose};
use crate::api::propose::{ALT_MAX, MAX_PHOTOS, PHOTO_MAX_BYTES};
use crate::domain::Role;
use crate::ssr::entities::{co_initiators, coach_neighbourhoods, initiatives, photos};
use crate::ssr::error::ServiceError;
use crate::ssr::session::{new_token, CurrentUser};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// The longest side of a stored photo and of a thumbnail, in pixels.
pub const MAX_SIDE: u32 = 2_000;
pub const THUMB_SIDE: u32 = 320;
/// Larger pictures are refused before decoding (decompression bombs).
const MAX_DECODE_SIDE: u32 = 12_000;

fn invalid(field: &'static str, code: &str) -> ServiceError {
    ServiceError::Invalid {
        field,
        message: code.into(),
    }
}

/// A photo ready to store: the clean image and its thumbnail.
#[derive(Debug)]
pub struct Processed {
    pub content_type: &'static str,
    pub extension: &'static str,
    pub bytes: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Checks and cleans an uploaded photo. Blocking (decoding is CPU work).
///
/// # Errors
/// `photo`: `photo_too_large`, `photo_type` (not JPEG/PNG/WebP by content) or
/// `photo_unreadable`.
pub fn process(upload: &[u8]) -> Result<Processed, ServiceError> {
    if upload.len() > PHOTO_MAX_BYTES {
        return Err(invalid("photo", "photo_too_large"));
    }
    if upload.is_empty() {
        return Err(invalid("photo", "photo_missing"));
    }
    let format = image::guess_format(upload).map_err(|_| invalid("photo", "photo_type"))?;
    let (content_type, extension) = match format {
        ImageFormat::Jpeg => ("image/jpeg", "jpg"),
        ImageFormat::Png => ("image/png", "png"),
        ImageFormat::WebP => ("image/webp", "webp"),
        _ => return Err(invalid("photo", "photo_type")),
    };
    let unreadable = |_| invalid("photo", "photo_unreadable");
    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    // Turn the pixels the way the camera meant, since the tag that said so goes.
    picture.apply_orientation(orientation);
    if picture.width() > MAX_SIDE || picture.height() > MAX_SIDE {
        picture = picture.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Lanczos3);
    }
    let encode_failed = |_| invalid("photo", "photo_unreadable");
    let mut bytes = Vec::new();
    match format {
        ImageFormat::Jpeg => {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85);
            DynamicImage::ImageRgb8(picture.to_rgb8())
                .write_with_encoder(encoder)
                .map_err(encode_failed)?;
        }
        ImageFormat::Png => {
            picture
                .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
                .map_err(encode_failed)?;
        }
        _ => {
            let encoder = image::codecs::webp::WebPEncoder::new_lossless(&mut bytes);
            DynamicImage::ImageRgba8(picture.to_rgba8())
                .write_with_encoder(encoder)
                .map_err(encode_failed)?;
        }
    }
    let mut thumbnail = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut thumbnail, 80);
    DynamicImage::ImageRgb8(picture.thumbnail(THUMB_SIDE, THUMB_SIDE).to_rgb8())
        .write_with_encoder(encoder)
        .map_err(encode_failed)?;
    Ok(Processed {
        content_type,
        extension,
        bytes,
        thumbnail,
        width: picture.width(),
        height: picture.height(),
    })
}

/// A storage key that is safe as a relative path: `initiative-id/random.ext`.
fn new_key(initiative_id: i64, extension: &str) -> String {
    format!("{initiative_id}/{}.{extension}", new_token())
}

fn path_of(uploads: &Path, key: &str) -> Option<PathBuf> {
    let ok = !key.is_empty()
        && !key.contains("..")
        && !key.starts_with('/')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
    ok.then(|| uploads.join(key))
}

async fn write(uploads: &Path, key: &str, bytes: &[u8]) -> Result<(), ServiceError> {
    let path = path_of(uploads, key).ok_or(ServiceError::NotFound)?;
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, "cannot store a photo");
        invalid("photo", "photo_not_stored")
    };
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(io)?;
    }
    tokio::fs::write(&path, bytes).await.map_err(io)
}

async fn delete_files(uploads: &Path, keys: [&str; 2]) {
    for key in keys {
        if let Some(path) = path_of(uploads, key) {
            if let Err(e) = tokio::fs::remove_file(&path).await {
                tracing::warn!(error = %e, "photo file not removed");
            }
        }
    }
}

/// Adds a photo with its alternative text to a draft `user_id` may edit.
///
/// # Errors
/// `photo` / `alt` for a refused upload; not found / not allowed; a database error.
pub async fn add(
    db: &DatabaseConnection,
    uploads: &Path,
    user_id: i64,
    id: i64,
    alt: &str,
    upload: Vec<u8>,
) -> Result<(), ServiceError> {
    propose::editable(db, user_id, id).await?;
    let alt = alt.trim().to_string();
    let count = photos::Entity::find()
        .filter(photos::Column::InitiativeId.eq(id))
        .filter(photos::Column::ReportId.is_null())
        .count(db)
        .await?;
    if count >= MAX_PHOTOS as u64 {
        return Err(invalid("photo", "too_many_photos"));
    }
    if alt.is_empty() || alt.chars().count() > ALT_MAX as usize {
        return Err(invalid("alt", "alt_length"));
    }
    let processed = tokio::task::spawn_blocking(move || process(&upload))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "photo processing panicked");
            invalid("photo", "photo_unreadable")
        })??;
    let key = new_key(id, processed.extension);
    let thumb_key = new_key(id, "jpg");
    write(uploads, &key, &processed.bytes).await?;
    write(uploads, &thumb_key, &processed.thumbnail).await?;
    let inserted = photos::Entity::insert(photos::ActiveModel {
        initiative_id: Set(id),
        report_id: Set(None),
        storage_key: Set(key.clone()),
        thumbnail_key: Set(thumb_key.clone()),
        content_type: Set(processed.content_type.into()),
        byte_size: Set(i64::try_from(processed.bytes.len()).unwrap_or(i64::MAX)),
        width: Set(i32::try_from(processed.width).unwrap_or(i32::MAX)),
        height: Set(i32::try_from(processed.height).unwrap_or(i32::MAX)),
        alt_text: Set(alt),
        position: Set(i32::try_from(count).unwrap_or(i32::MAX)),
        created_at: Set(now()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await;
    if let Err(e) = inserted {
        // Store nothing partial.
        delete_files(uploads, [&key, &thumb_key]).await;
        return Err(e.into());
    }
    Ok(())
}

/// Removes a photo of a draft `user_id` may edit.
///
/// # Errors
/// Not found / not allowed; a database error.
pub async fn remove(
    db: &DatabaseConnection,
    uploads: &Path,
    user_id: i64,
    id: i64,
    photo_id: i64,
) -> Result<(), ServiceError> {
    propose::editable(db, user_id, id).await?;
    let photo = photos::Entity::find_by_id(photo_id)
        .filter(photos::Column::InitiativeId.eq(id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    photos::Entity::delete_by_id(photo.id).exec(db).await?;
    delete_files(uploads, [&photo.storage_key, &photo.thumbnail_key]).await;
    Ok(())
}

/// Whether `viewer` may see the photos of `initiative`: everyone once it is
/// public; before that its initiators, coaches of its neighbourhood and admins.
async fn may_see(
    db: &DatabaseConnection,
    initiative: &initiatives::Model,
    viewer: Option<&CurrentUser>,
) -> Result<bool, ServiceError> {
    if initiative.is_public {
        return Ok(true);
    }
    let Some(viewer) = viewer else {
        return Ok(false);
    };
    if initiative.initiator_id == viewer.id || viewer.role == Role::Admin {
        return Ok(true);
    }
    if viewer.role == Role::Coach {
        if initiative.coach_id == Some(viewer.id) {
            return Ok(true);
        }
        if let Some(nbh) = initiative.neighbourhood_id {
            let coaches = coach_neighbourhoods::Entity::find_by_id((viewer.id, nbh))
                .one(db)
                .await?;
            if coaches.is_some() {
                return Ok(true);
            }
        }
    }
    Ok(co_initiators::Entity::find()
        .filter(co_initiators::Column::InitiativeId.eq(initiative.id))
        .filter(co_initiators::Column::UserId.eq(viewer.id))
        .filter(co_initiators::Column::AcceptedAt.is_not_null())
        .count(db)
        .await?
        > 0)
}

/// A photo (or its thumbnail) for `viewer`: its content type and bytes.
/// One they may not see is "not found".
///
/// # Errors
/// [`ServiceError::NotFound`]; a database error.
pub async fn open(
    db: &DatabaseConnection,
    uploads: &Path,
    viewer: Option<&CurrentUser>,
    photo_id: i64,
    thumbnail: bool,
) -> Result<(String, Vec<u8>), ServiceError> {
    let (photo, initiative) = photos::Entity::find_by_id(photo_id)
        .find_also_related(initiatives::Entity)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let initiative = initiative.ok_or(ServiceError::NotFound)?;
    if !may_see(db, &initiative, viewer).await? {
        return Err(ServiceError::NotFound);
    }
    let (key, content_type) = if thumbnail {
        (photo.thumbnail_key, "image/jpeg".to_string())
    } else {
        (photo.storage_key, photo.content_type)
    };
    let path = path_of(uploads, &key).ok_or(ServiceError::NotFound)?;
    let bytes = tokio::fs::read(path).await.map_err(|e| {
        tracing::error!(error = %e, photo_id, "photo file missing");
        ServiceError::NotFound
    })?;
    Ok((content_type, bytes))
}
