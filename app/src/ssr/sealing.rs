//! Private values at rest (the bank accounts payouts go to), sealed with
//! AES-256-GCM under a key from the configuration.
//!
//! Every value gets a fresh random 96-bit nonce, and the sealed text is
//! bound to what it belongs to (`context`, such as `bank_account:42`) as
//! associated data: a sealed value copied onto another row does not open.
//! The stored form is `v1.` and the nonce with the ciphertext in base64; the
//! version leaves room for another key or algorithm later.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;

const VERSION: &str = "v1.";
const NONCE_LEN: usize = 12;

fn engine() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// The key that seals and opens private values. It never prints.
#[derive(Clone)]
pub struct SealingKey {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(…)")
    }
}

/// Why a key or a sealed value could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error(
        "the key must be 32 bytes, written in base64 (for example from `openssl rand -base64 32`)"
    )]
    BadKey,
    #[error("the sealed value is damaged, or was sealed with another key or for another record")]
    CannotOpen,
    #[error("the value could not be sealed")]
    CannotSeal,
}

impl SealingKey {
    /// The length of a key in bytes.
    pub const LEN: usize = 32;

    /// A key from its 32 bytes written in base64.
    ///
    /// # Errors
    /// [`SealError::BadKey`] for anything else.
    pub fn from_base64(text: &str) -> Result<SealingKey, SealError> {
        let bytes = engine()
            .decode(text.trim())
            .map_err(|_| SealError::BadKey)?;
        if bytes.len() != Self::LEN {
            return Err(SealError::BadKey);
        }
        let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| SealError::BadKey)?;
        Ok(SealingKey { cipher })
    }

    /// A new random key, written in base64 (for a key file).
    pub fn generate_base64() -> String {
        engine().encode(Aes256Gcm::generate_key(OsRng))
    }

    /// Seals `plaintext` for `context`.
    ///
    /// # Errors
    /// [`SealError::CannotSeal`] (only for values far larger than any bank account).
    pub fn seal(&self, plaintext: &[u8], context: &str) -> Result<String, SealError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SealError::CannotSeal)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{VERSION}{}", engine().encode(out)))
    }

    /// Opens what [`SealingKey::seal`] sealed for the same `context`.
    ///
    /// # Errors
    /// [`SealError::CannotOpen`] for another key, another context, or a changed text.
    pub fn open(&self, sealed: &str, context: &str) -> Result<Vec<u8>, SealError> {
        let body = sealed.strip_prefix(VERSION).ok_or(SealError::CannotOpen)?;
        let bytes = engine().decode(body).map_err(|_| SealError::CannotOpen)?;
        if bytes.len() <= NONCE_LEN {
            return Err(SealError::CannotOpen);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SealError::CannotOpen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SealingKey {
        SealingKey::from_base64(&SealingKey::generate_base64()).unwrap()
    }

    #[test]
    fn a_sealed_value_opens_with_its_key_and_context_only() {
        let k = key();
        let sealed = k.seal(b"NL91ABNA0417164300", "bank_account:1").unwrap();
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains("NL91"), "not readable");
        assert_eq!(
            k.open(&sealed, "bank_account:1").unwrap(),
            b"NL91ABNA0417164300"
        );
        assert_eq!(
            k.open(&sealed, "bank_account:2"),
            Err(SealError::CannotOpen),
            "bound to its record"
        );
        assert_eq!(
            key().open(&sealed, "bank_account:1"),
            Err(SealError::CannotOpen),
            "another key"
        );
        let mut changed = sealed.clone().into_bytes();
        let last = changed.len() - 3;
        changed[last] = if changed[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            k.open(&String::from_utf8(changed).unwrap(), "bank_account:1"),
            Err(SealError::CannotOpen),
            "tampering is found"
        );
        assert_eq!(k.open("v1.", "x"), Err(SealError::CannotOpen));
        assert_eq!(k.open("plain", "x"), Err(SealError::CannotOpen));
    }

    #[test]
    fn every_seal_uses_a_fresh_nonce() {
        let k = key();
        let a = k.seal(b"same", "c").unwrap();
        let b = k.seal(b"same", "c").unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn only_a_32_byte_base64_key_is_accepted_and_it_never_prints() {
        assert_eq!(
            SealingKey::from_base64("c2hvcnQ=").unwrap_err(),
            SealError::BadKey
        );
        assert_eq!(
            SealingKey::from_base64("not base64!").unwrap_err(),
            SealError::BadKey
        );
        let text = SealingKey::generate_base64();
        let k = SealingKey::from_base64(&format!(" {text}\n")).unwrap();
        assert!(!format!("{k:?}").contains(&text));
    }
}
