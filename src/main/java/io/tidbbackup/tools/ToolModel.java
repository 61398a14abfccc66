package io.tidbbackup.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The command line of one tool across its releases, read from {@code tools/<tool>.tsv} (one row a
 * command or flag, each with the source file it was read from): which commands and flags a release
 * has, and the parser rules of the tool's flag library ({@link Dialect}).
 */
public final class ToolModel {

  public static final String BR = "br";
  public static final String DUMPLING = "dumpling";
  public static final String LIGHTNING = "tidb-lightning";
  public static final String TIKV_CTL = "tikv-ctl";

  private static final Map<String, ToolModel> LOADED = new ConcurrentHashMap<>();

  private final String tool;
  private final Dialect dialect;
  private final List<CommandDef> commands;
  private final List<FlagDef> flags;

  ToolModel(String tool, Dialect dialect, List<CommandDef> commands, List<FlagDef> flags) {
    this.tool = tool;
    this.dialect = dialect;
    this.commands = List.copyOf(commands);
    this.flags = List.copyOf(flags);
  }

  /** The model of {@code tool} ({@link #BR}, {@link #DUMPLING}, …), read once. */
  public static ToolModel of(String tool) {
    return LOADED.computeIfAbsent(tool, ToolModel::load);
  }

  public String tool() {
    return tool;
  }

  public Dialect dialect() {
    return dialect;
  }

  public List<CommandDef> commands() {
    return commands;
  }

  public List<FlagDef> flags() {
    return flags;
  }

  /** The first release that has a command, as the model says it ({@code v8.5.5}), or null. */
  public String since(String commandPath) {
    return commands.stream()
        .filter(c -> c.path().equals(commandPath))
        .map(CommandDef::since)
        .findFirst()
        .orElse(null);
  }

  /**
   * The keys of TiDB Lightning's configuration file, {@code section.key}, from {@code
   * tools/tidb-lightning-toml.tsv}.
   */
  public static java.util.Set<String> lightningConfigKeys() {
    return LIGHTNING_KEYS.computeIfAbsent("keys", k -> readLightningConfigKeys());
  }

  private static final Map<String, java.util.Set<String>> LIGHTNING_KEYS =
      new ConcurrentHashMap<>();

  private static java.util.Set<String> readLightningConfigKeys() {
    try (InputStream in = ToolModel.class.getResourceAsStream("/tools/tidb-lightning-toml.tsv")) {
      java.util.Set<String> keys = new java.util.TreeSet<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String[] c = line.split("\t");
        if (!line.startsWith("#") && !line.startsWith("section\t") && c.length >= 2) {
          keys.add(c[0] + "." + c[1]);
        }
      }
      return java.util.Set.copyOf(keys);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The command line of one release. */
  public ToolCli at(ToolVersion version) {
    return new ToolCli(
        dialect,
        new CommandRules(
            tool,
            version,
            commands.stream().filter(c -> c.existsIn(version)).toList(),
            flags.stream().filter(f -> f.existsIn(version)).toList()));
  }

  private static ToolModel load(String tool) {
    String resource = "/tools/" + tool + ".tsv";
    try (InputStream in = ToolModel.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no model of " + tool + " (" + resource + ")");
      }
      return parse(tool, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ToolModel parse(String tool, BufferedReader r) throws IOException {
    List<CommandDef> commands = new ArrayList<>();
    List<FlagDef> flags = new ArrayList<>();
    Dialect dialect = null;
    String line;
    int n = 0;
    while ((line = r.readLine()) != null) {
      n++;
      if (line.isBlank() || line.startsWith("#") || line.startsWith("tool\t")) {
        if (line.startsWith("# dialect: ")) {
          dialect = Dialect.valueOf(line.substring("# dialect: ".length()).trim());
        }
        continue;
      }
      String[] c = line.split("\t", -1);
      if (c.length < 11) {
        throw new IllegalArgumentException(tool + ".tsv:" + n + ": 11 columns expected");
      }
      String since = c[7].isEmpty() ? null : c[7];
      String until = c[8].isEmpty() ? null : c[8];
      if (c[2].equals("(command)")) {
        commands.add(new CommandDef(c[1], c[4].equals("NoArgs"), since, until, c[10]));
      } else {
        flags.add(
            new FlagDef(
                c[1],
                c[2].replaceFirst("^-+", ""),
                c[3].isEmpty() ? null : c[3],
                FlagType.of(c[4]),
                c[5].equals("yes"),
                c[6].equals("yes"),
                since,
                until,
                TimestampRule.of(c[9]),
                c[10]));
      }
    }
    if (dialect == null) {
      throw new IllegalArgumentException(tool + ".tsv: no '# dialect:' line");
    }
    return new ToolModel(tool, dialect, commands, flags);
  }
}
