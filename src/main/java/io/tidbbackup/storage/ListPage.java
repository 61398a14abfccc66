package io.tidbbackup.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One page of a listing: keys (full object names) and the token of the next page, null at the end;
 * for a listing by level ({@link ObjectStore#listLevel}) also the sub-prefixes it rolled up (each
 * ending in '/'), whose keys are not in {@code keys}.
 */
public record ListPage(List<String> keys, String nextToken, List<String> subPrefixes) {
  public ListPage {
    keys = List.copyOf(keys);
    subPrefixes = List.copyOf(subPrefixes);
  }

  /** A page of a recursive listing: no sub-prefixes. */
  public ListPage(List<String> keys, String nextToken) {
    this(keys, nextToken, List.of());
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
   *
   * <p>This loop only ends when the store stops saying "more" or the keys fill the page: a store
   * that answers "truncated", no keys and the same token every time would otherwise be asked for
   * ever (S3, GCS and Azure all list through here). So a token already seen in this call, the one
   * it started from included, fails the listing; {@link CleanEngine} checks the tokens between
   * pages the same way.
   */
  public static ListPage gather(String token, int max, int perRequest, Request request)
      throws IOException {
    List<String> keys = new ArrayList<>(Math.min(max, 10_000));
    Set<String> seen = new HashSet<>();
    String next = token;
    requireNewToken(seen, next);
    do {
      ListPage one = request.send(next, Math.min(max - keys.size(), perRequest));
      keys.addAll(one.keys());
      next = one.nextToken();
      requireNewToken(seen, next);
    } while (next != null && keys.size() < max);
    return new ListPage(keys, next);
  }

  /**
   * Records {@code token} (null: the listing's start or end) among the tokens of one listing.
   * Following a token seen before would list the same pages again, and an empty one would start the
   * listing over: either way the listing would never end, so it fails instead.
   *
   * @throws IOException naming the token, for the cleaner's failed-listing path
   */
  static void requireNewToken(Set<String> seen, String token) throws IOException {
    if (token == null) {
      return;
    }
    if (token.isEmpty()) {
      throw new IOException(
          "the store returned an empty continuation token in one listing; following it would"
              + " start the listing over");
    }
    if (!seen.add(token)) {
      throw new IOException(
          "the store returned the continuation token \""
              + token
              + "\" twice in one listing; following it would list the same pages for ever");
    }
  }
}
