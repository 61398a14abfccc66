package io.tidbbackup.operator.status;

/** The type of a core/v1 Event; its wire string is {@link #wire()}. */
public enum EventType {
  NORMAL("Normal"),
  WARNING("Warning");

  private final String wire;

  EventType(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
