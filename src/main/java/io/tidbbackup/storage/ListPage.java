package io.tidbbackup.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of a listing: keys (full object names) and the token of the next page, null at the end.
 */
public record ListPage(List<String> keys, String nextToken) {
  public ListPage {
    keys = List.copyOf(keys);
  }

  /** One list request of a store: at most {@code want} keys after {@code token}. */
  @FunctionalInterface
  public interface Request {
    ListPage send(String token, int want) throws IOException;
  }

  /**
   * A page of up to {@code max} keys gathered from as many requests of at most {@code perRequest}
   * keys as that takes (a store returns 1000 or 5000 keys per request; a cleaner page is 10000 by
   * default).
   */
  public static ListPage gather(String token, int max, int perRequest, Request request)
      throws IOException {
    List<String> keys = new ArrayList<>(Math.min(max, 10_000));
    String next = token;
    do {
      ListPage one = request.send(next, Math.min(max - keys.size(), perRequest));
      keys.addAll(one.keys());
      next = one.nextToken();
    } while (next != null && keys.size() < max);
    return new ListPage(keys, next);
  }
}
