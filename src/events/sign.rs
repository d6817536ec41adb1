//! Signing as the Standard Webhooks specification says: `webhook-signature` is `v1,` and the
//! base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the secret's bytes (a secret is
//! `whsec_` and their base64), once per secret in use, separated by spaces.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::{Error, Result};

const PREFIX: &str = "whsec_";

/// Returns a new random secret in the Standard Webhooks form.
pub fn new_secret() -> Result<String> {
    let mut key = [0u8; 24];
    getrandom::fill(&mut key)
        .map_err(|e| Error::Internal(format!("no randomness for a webhook secret: {e}")))?;
    Ok(format!("{PREFIX}{}", STANDARD.encode(key)))
}

/// Returns the `webhook-signature` header of `body`, sent as message `id` at `timestamp`
/// (seconds since the epoch), signed with each of `secrets`.
pub fn signatures(secrets: &[&str], id: &str, timestamp: i64, body: &[u8]) -> String {
    let signed: Vec<String> = secrets
        .iter()
        .map(|secret| {
            let key = secret
                .strip_prefix(PREFIX)
                .and_then(|b64| STANDARD.decode(b64).ok())
                .unwrap_or_else(|| secret.as_bytes().to_vec());
            let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key");
            mac.update(format!("{id}.{timestamp}.").as_bytes());
            mac.update(body);
            format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
        })
        .collect();
    signed.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification's reference libraries.
    #[test]
    fn the_reference_example_signs_as_the_specification_says() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let signature = signatures(&[secret], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn during_a_rotation_both_secrets_sign() {
        let (old, new) = (new_secret().unwrap(), new_secret().unwrap());
        let both = signatures(&[&new, &old], "1", 1, b"{}");
        let parts: Vec<&str> = both.split(' ').collect();
        assert_eq!(
            parts,
            [
                signatures(&[&new], "1", 1, b"{}"),
                signatures(&[&old], "1", 1, b"{}")
            ]
        );
        assert!(old.starts_with(PREFIX) && old != new);
    }
}
