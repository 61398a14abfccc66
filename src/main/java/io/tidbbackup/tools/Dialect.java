package io.tidbbackup.tools;

/** The flag library a tool parses its command line with. */
public enum Dialect {
  /** spf13/cobra + pflag: BR, Dumpling. */
  COBRA,
  /** Go's standard {@code flag} package: TiDB Lightning. */
  GO_FLAG,
  /** Rust's clap (structopt): tikv-ctl. */
  CLAP
}
