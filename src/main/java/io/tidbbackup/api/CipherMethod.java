package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * BR's encryption methods ({@code --crypter.method}, {@code --log.crypter.method}, {@code
 * --master-key-crypter-method}), as BR spells them; its {@code plaintext} is the absence of the
 * field. Each needs a key of its length: 16, 24 or 32 bytes, written as hex.
 */
public enum CipherMethod {
  @JsonProperty("aes128-ctr")
  AES128_CTR("aes128-ctr", 16),
  @JsonProperty("aes192-ctr")
  AES192_CTR("aes192-ctr", 24),
  @JsonProperty("aes256-ctr")
  AES256_CTR("aes256-ctr", 32);

  private final String value;
  private final int keyBytes;

  CipherMethod(String value, int keyBytes) {
    this.value = value;
    this.keyBytes = keyBytes;
  }

  public String value() {
    return value;
  }

  /** The length of the data key this method needs, in bytes (twice as many hex digits). */
  public int keyBytes() {
    return keyBytes;
  }
}
