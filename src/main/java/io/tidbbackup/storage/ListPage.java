package io.tidbbackup.storage;

import java.util.List;

/** One page of a listing: keys (full object names) and the token of the next page, null at the end. */
public record ListPage(List<String> keys, String nextToken) {
  public ListPage {
    keys = List.copyOf(keys);
  }
}
