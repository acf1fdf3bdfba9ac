package emulator

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// rsaKeyBits is the size of each realm's signing key, Keycloak's default
// for its generated "rsa-generated" key provider.
const rsaKeyBits = 2048

// realmKeys are one realm's signing keys, generated when the emulator
// starts and never persisted.
type realmKeys struct {
	rsa     *rsa.PrivateKey
	rsaKID  string
	cert    *x509.Certificate
	hmac    []byte // HS512 key for refresh tokens and signed cookies
	hmacKID string
}

func newRealmKeys(realmName string, now time.Time) (*realmKeys, error) {
	priv, err := rsa.GenerateKey(rand.Reader, rsaKeyBits)
	if err != nil {
		return nil, fmt.Errorf("could not generate the RSA signing key: %w", err)
	}
	thumb, err := (&jose.JSONWebKey{Key: &priv.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("could not compute the key ID: %w", err)
	}
	cert, err := selfSignedCert(priv, realmName, now)
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 64)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("could not generate the HMAC key: %w", err)
	}
	return &realmKeys{
		rsa:     priv,
		rsaKID:  base64.RawURLEncoding.EncodeToString(thumb),
		cert:    cert,
		hmac:    secret,
		hmacKID: newUUID(),
	}, nil
}

// selfSignedCert makes the certificate published in the JWKS x5c field.
// Keycloak's generated keys carry one with the realm name as subject.
func selfSignedCert(priv *rsa.PrivateKey, realmName string, now time.Time) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, fmt.Errorf("could not generate a certificate serial number: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: realmName},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return nil, fmt.Errorf("could not create the signing certificate: %w", err)
	}
	return x509.ParseCertificate(der)
}

// jwk is one JSON Web Key in the member order of Keycloak 26's certs
// endpoint (RFC 7517 §4, RFC 7518 §6.3.1).
type jwk struct {
	KID     string   `json:"kid"`
	KTY     string   `json:"kty"`
	Alg     string   `json:"alg"`
	Use     string   `json:"use"`
	X5C     []string `json:"x5c"`
	X5T     string   `json:"x5t"`
	X5TS256 string   `json:"x5t#S256"`
	N       string   `json:"n"`
	E       string   `json:"e"`
}

// jwks returns the public key set. Keycloak also publishes an RSA-OAEP
// encryption key, but the emulator encrypts nothing, so it publishes only
// the signing key.
func (k *realmKeys) jwks() map[string][]jwk {
	sha1Sum := sha1.Sum(k.cert.Raw)
	sha256Sum := sha256.Sum256(k.cert.Raw)
	pub := k.rsa.PublicKey
	key := jwk{
		KID:     k.rsaKID,
		KTY:     "RSA",
		Alg:     string(jose.RS256),
		Use:     "sig",
		X5C:     []string{base64.StdEncoding.EncodeToString(k.cert.Raw)},
		X5T:     base64.RawURLEncoding.EncodeToString(sha1Sum[:]),
		X5TS256: base64.RawURLEncoding.EncodeToString(sha256Sum[:]),
		N:       base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		E:       base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}
	return map[string][]jwk{"keys": {key}}
}

// newUUID returns a random version 4 UUID (RFC 9562 §5.4).
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // since Go 1.24, crypto/rand.Read never returns an error
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// nameUUID returns a UUID derived from name, so a client's or user's
// internal ID stays the same across restarts (RFC 9562 §5.8 layout).
func nameUUID(name string) string {
	sum := sha256.Sum256([]byte(name))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// randomToken returns n random bytes as unpadded base64url.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // since Go 1.24, crypto/rand.Read never returns an error
	return base64.RawURLEncoding.EncodeToString(b)
}
