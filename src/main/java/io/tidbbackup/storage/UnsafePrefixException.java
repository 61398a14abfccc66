package io.tidbbackup.storage;

/** A prefix {@link PrefixGuard} refused: thrown before anything is deleted. */
public class UnsafePrefixException extends IllegalArgumentException {
  private final PrefixRefusal reason;

  public UnsafePrefixException(PrefixRefusal reason, String message) {
    super(message);
    this.reason = reason;
  }

  public PrefixRefusal reason() {
    return reason;
  }
}
