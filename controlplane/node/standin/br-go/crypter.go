// BR's encryption flags, read and checked as BR v8.5 reads them ((*Config).ParseFromFlags in
// br/pkg/task/common.go, and for a master key in a local file br/pkg/encryption/master_key/file_backend.go),
// with BR's error messages: a key file that is missing, unreadable, not hex or of the wrong length fails
// the run before it touches the storage. A snapshot backup's backupmeta is written as BR writes an
// encrypted one (a 16-byte IV, then the AES-CTR ciphertext), and a restore decrypts it, failing as BR does
// when the key is wrong or missing.
package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
)

// crypter is one of BR's CipherInfo: a method other than plaintext and its key.
type crypter struct {
	method string
	key    []byte
}

// crypters is what BR's config holds after parsing: the snapshot key, the log data key, the master key's path.
type crypters struct {
	snapshot, log *crypter
	masterKeyPath string
}

var keyLen = map[string]int{"aes128-ctr": 16, "aes192-ctr": 24, "aes256-ctr": 32}

func parseCipherType(t string) (string, error) {
	switch t {
	case "", "plaintext", "PLAINTEXT":
		return "plaintext", nil
	case "aes128-ctr", "AES128-CTR", "aes192-ctr", "AES192-CTR", "aes256-ctr", "AES256-CTR":
		return strings.ToLower(t), nil
	}
	return "", fmt.Errorf("invalid crypter method '%s': [BR:Common:ErrInvalidArgument]invalid argument", t)
}

// cipherKey is GetCipherKeyContent: exactly one of key and key file; the file's content less one
// trailing newline, as hex.
func cipherKey(key, file string) ([]byte, error) {
	if (key == "") == (file == "") {
		return nil, errors.New("exactly one of cipher key or keyfile path should be provided: " +
			"[BR:Common:ErrInvalidArgument]invalid argument")
	}
	hexString := key
	if file != "" {
		content, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("failed to read cipher file: %v", err)
		}
		hexString = string(bytes.TrimSuffix(content, []byte("\n")))
	}
	k, err := hex.DecodeString(hexString)
	if err != nil {
		return nil, errors.New("cipher key must be a valid hexadecimal string: " +
			"[BR:Common:ErrInvalidArgument]invalid argument")
	}
	return k, nil
}

func checkKeyLen(c *crypter) error {
	if want := keyLen[c.method]; len(c.key) != want {
		return fmt.Errorf("AES-%d key length mismatch: expected %d, got %d: "+
			"[BR:Common:ErrInvalidArgument]invalid argument", want*8, want, len(c.key))
	}
	return nil
}

func parseCrypters(flags map[string]string) (*crypters, error) {
	out := &crypters{}
	method, err := parseCipherType(flags["crypter.method"])
	if err != nil {
		return nil, err
	}
	if method != "plaintext" {
		k, err := cipherKey(flags["crypter.key"], flags["crypter.key-file"])
		if err != nil {
			return nil, err
		}
		out.snapshot = &crypter{method, k}
		if err := checkKeyLen(out.snapshot); err != nil {
			return nil, err
		}
	}
	method, err = parseCipherType(flags["log.crypter.method"])
	if err != nil {
		return nil, err
	}
	if method != "plaintext" {
		k, err := cipherKey(flags["log.crypter.key"], flags["log.crypter.key-file"])
		if err != nil {
			return nil, err
		}
		// BR v8.5 checks the snapshot key's length here, not this one's (parseLogBackupCipherInfo)
		out.log = &crypter{method, k}
	}
	if mk := flags["master-key"]; mk != "" {
		if out.log != nil {
			return nil, errors.New("invalid argument: both plaintext data key encryption and " +
				"master key based encryption are set at the same time")
		}
		m, err := parseCipherType(flags["master-key-crypter-method"])
		if err != nil || m == "plaintext" {
			return nil, fmt.Errorf("invalid encryption method: %s", flags["master-key-crypter-method"])
		}
		u, err := url.Parse(strings.TrimSpace(mk))
		if err != nil || u.Scheme != "local" {
			return nil, fmt.Errorf("invalid master key configuration: %s: the stand-in br knows local:// only", mk)
		}
		if !path.IsAbs(u.Path) {
			return nil, fmt.Errorf("invalid master key configuration: %s: local master key path must be absolute", mk)
		}
		out.masterKeyPath = u.Path
	}
	return out, nil
}

// readMasterKey is createFileBackend: 64 hex digits and a newline, read when a restore needs the data keys.
func readMasterKey(file string) error {
	content, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("failed to read master key file from disk: %v", err)
	}
	if len(content) != 65 {
		return fmt.Errorf("mismatch master key file size, expected 65, actual %d", len(content))
	}
	if content[64] != '\n' {
		return errors.New("master key file should end with newline")
	}
	if _, err := hex.DecodeString(string(content[:64])); err != nil {
		return fmt.Errorf("failed to decode hex format master key from file: %v", err)
	}
	return nil
}

// encryptMeta is metautil.Encrypt: the IV, then the AES-CTR ciphertext; plaintext as it is.
func encryptMeta(c *crypter, plain []byte) ([]byte, error) {
	if c == nil {
		return plain, nil
	}
	block, err := aes.NewCipher(c.key)
	if err != nil {
		return nil, err
	}
	iv := make([]byte, aes.BlockSize)
	if _, err := rand.Read(iv); err != nil {
		return nil, err
	}
	out := make([]byte, len(plain))
	cipher.NewCTR(block, iv).XORKeyStream(out, plain)
	return append(iv, out...), nil
}

// backupTS reads a backupmeta as ReadBackupMeta does: decrypted with the snapshot key when one is given;
// what does not parse is BR's "wrong aes cipher".
func backupTS(c *crypter, meta []byte) (string, error) {
	data := meta
	if c != nil {
		if len(meta) < aes.BlockSize {
			return "", errors.New("decrypt failed with wrong key")
		}
		block, err := aes.NewCipher(c.key)
		if err != nil {
			return "", err
		}
		data = make([]byte, len(meta)-aes.BlockSize)
		cipher.NewCTR(block, meta[:aes.BlockSize]).XORKeyStream(data, meta[aes.BlockSize:])
	}
	ts := strings.TrimSpace(string(data))
	if _, err := strconv.ParseUint(ts, 10, 64); err != nil {
		return "", errors.New("parse backupmeta failed because of wrong aes cipher")
	}
	return ts, nil
}
