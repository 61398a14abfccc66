package io.tidbbackup.storage;

/** Why a prefix is refused (the operator's condition reason of the same name). */
public enum PrefixRefusal {
  EmptyPrefix,
  OutsidePrefix,
  SharedPrefix,
  NoStorage,
  InvalidPrefix
}
