package io.tidbbackup.storage;

import java.util.List;
import java.util.Map;

/** Outcome of one batch delete request: keys deleted, and the error of every key that was not. */
public record BatchDeleteResult(List<String> deleted, Map<String, String> errors) {}
