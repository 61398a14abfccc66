package io.tidbbackup.storage;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The listing of one clean round, page by page, for {@link CleanEngine}. A listing is a chain of
 * requests, each waiting for the token of the one before: at 1000 keys a request, a million keys
 * are a thousand round trips one after the other, whatever the deletes do. So, on a store that
 * lists by level (S3), the prefix is listed a level at a time: its level first (the keys directly
 * in it, and its sub-prefixes, such as BR's store directories), then each sub-prefix as a listing
 * of its own, up to {@code parallel} list calls in flight. A sub-prefix is itself listed by level
 * while fewer listings than {@code parallel} are known (a log backup's single {@code v1/}), at most
 * {@value #MAX_DEPTH} levels down; else recursively, so that a tree of small directories costs no
 * more requests than one listing would. Elsewhere, one recursive listing, its next page listed
 * while the caller works on this one.
 *
 * <p>Each listing's tokens are checked as one listing's (a token seen twice fails the round: {@link
 * ListPage#requireNewToken}); a sub-prefix must lie inside the directory and below the prefix that
 * named it, else the round fails. No key is deleted here: the caller checks every key with {@link
 * PrefixGuard}, and the round's verifying listing (one recursive listing) decides. At most {@code
 * parallel} pages are held: one per call in flight.
 */
final class ListingStreams {
  static final int MAX_DEPTH = 3;

  /** One listing: a prefix, by level or recursive, and where it has got to. */
  private static final class Stream {
    final String prefix;
    final int depth;
    final Set<String> tokens = new HashSet<>();
    Boolean byLevel;
    String token;

    Stream(String prefix, int depth) {
      this.prefix = prefix;
      this.depth = depth;
    }
  }

  private record Listed(Stream stream, ListPage page) {}

  private final ObjectStore store;
  private final String dir;
  private final boolean split;
  private final int pageSize;
  private final int parallel;
  private final ExecutorCompletionService<Listed> done;
  private final Deque<Stream> ready = new ArrayDeque<>();
  private final List<Future<Listed>> inFlight = new ArrayList<>();

  /**
   * @param listPrefix what to list (the directory, or an archive's exact name)
   * @param dir the directory every sub-prefix must lie in
   * @param split list by level (the store can, and the caller wants it)
   */
  ListingStreams(
      ObjectStore store,
      String listPrefix,
      String dir,
      boolean split,
      int pageSize,
      int parallel,
      ExecutorService lister) {
    this.store = store;
    this.dir = dir;
    this.split = split && parallel > 1;
    this.pageSize = pageSize;
    this.parallel = Math.max(1, parallel);
    this.done = new ExecutorCompletionService<>(lister);
    ready.add(new Stream(listPrefix, 0));
  }

  /** The keys of the next page listed (from whichever listing answers first); null at the end. */
  List<String> next() throws IOException, InterruptedException {
    fill();
    if (inFlight.isEmpty()) {
      return null;
    }
    Future<Listed> f = done.take();
    inFlight.remove(f);
    Listed l = get(f);
    Stream s = l.stream();
    String token = l.page().nextToken();
    ListPage.requireNewToken(s.tokens, token);
    for (String sub : l.page().subPrefixes()) {
      PrefixGuard.requireInside(dir, sub);
      if (!sub.startsWith(s.prefix) || sub.length() <= s.prefix.length() || !sub.endsWith("/")) {
        throw new IOException(
            "the store named \""
                + sub
                + "\" as a sub-prefix of \""
                + s.prefix
                + "\"; listing it would not list below it");
      }
      ready.addLast(new Stream(sub, s.depth + 1));
    }
    if (token != null) {
      s.token = token;
      ready.addFirst(s); // a listing under way goes on before a new one starts
    }
    fill();
    return l.page().keys();
  }

  /** Stops the list calls still in flight (the round failed). */
  void cancel() {
    inFlight.forEach(f -> f.cancel(true));
    inFlight.clear();
  }

  private void fill() {
    while (inFlight.size() < parallel && !ready.isEmpty()) {
      Stream s = ready.pollFirst();
      if (s.byLevel == null) {
        s.byLevel = split && s.depth < MAX_DEPTH && inFlight.size() + ready.size() + 1 < parallel;
      }
      String token = s.token;
      boolean byLevel = s.byLevel;
      inFlight.add(
          done.submit(
              () ->
                  new Listed(
                      s,
                      byLevel
                          ? store.listLevel(s.prefix, token, pageSize)
                          : store.list(s.prefix, token, pageSize))));
    }
  }

  private static Listed get(Future<Listed> f) throws InterruptedException, IOException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    }
  }
}
