package io.tidbbackup.tools;

import java.util.regex.Pattern;

/**
 * The value types the tools' parsers read, with the checks their Go (or Rust) parsers make: Go's
 * {@code strconv.ParseBool}, {@code ParseInt/ParseUint} with base 0 (pflag's numeric flags), {@code
 * time.ParseDuration}; tikv-ctl's {@code ReadableSize}.
 */
public enum FlagType {
  BOOL,
  STRING,
  STRING_ARRAY,
  STRING_SLICE,
  INT,
  INT32,
  INT64,
  UINT,
  UINT32,
  UINT64,
  FLOAT64,
  DURATION,
  /** tikv-ctl's ReadableSize: {@code 0}, {@code 16M}, {@code 512MiB}. */
  SIZE,
  /** tikv-ctl's {@code --shard INDEX/TOTAL}, counted from 1. */
  SHARD;

  private static final Pattern GO_DURATION =
      Pattern.compile("[-+]?(0|(\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h))+");
  private static final Pattern SIZE_VALUE =
      Pattern.compile(
          "\\d+(\\.\\d+)?\\s*(B|KB|KiB|K|MB|MiB|M|GB|GiB|G|TB|TiB|T|PB|PiB|P)?",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern SHARD_VALUE = Pattern.compile("(\\d+)/(\\d+)");

  /** The type named in a model file: {@code bool}, {@code stringArray}, {@code uint64}, … */
  public static FlagType of(String name) {
    return switch (name) {
      case "bool", "bool-presence" -> BOOL;
      case "string" -> STRING;
      case "stringArray", "strings" -> STRING_ARRAY;
      case "stringSlice" -> STRING_SLICE;
      case "int" -> INT;
      case "int32" -> INT32;
      case "int64" -> INT64;
      case "uint" -> UINT;
      case "uint32" -> UINT32;
      case "uint64", "u64" -> UINT64;
      case "float64" -> FLOAT64;
      case "duration" -> DURATION;
      case "readable-size", "size" -> SIZE;
      case "shard" -> SHARD;
      default -> throw new IllegalArgumentException("unknown flag type " + name);
    };
  }

  /** Null when the tool's parser takes {@code value}, else why it refuses it. */
  public String refusal(String value) {
    try {
      switch (this) {
        case BOOL -> {
          if (!java.util.Set.of(
                  "1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False")
              .contains(value)) {
            return "strconv.ParseBool: parsing \"" + value + "\": invalid syntax";
          }
        }
        case INT -> goInt(value, 64, true);
        case INT32 -> goInt(value, 32, true);
        case INT64 -> goInt(value, 64, true);
        case UINT, UINT64 -> goInt(value, 64, false);
        case UINT32 -> goInt(value, 32, false);
        case FLOAT64 -> Double.parseDouble(value);
        case DURATION -> {
          if (!value.equals("0") && !GO_DURATION.matcher(value).matches()) {
            return "time: invalid duration \"" + value + "\"";
          }
        }
        case SIZE -> {
          if (!SIZE_VALUE.matcher(value.trim()).matches()) {
            return "invalid size \"" + value + "\"";
          }
        }
        case SHARD -> {
          var m = SHARD_VALUE.matcher(value);
          if (!m.matches()
              || Long.parseLong(m.group(1)) < 1
              || Long.parseLong(m.group(1)) > Long.parseLong(m.group(2))) {
            return "invalid shard \"" + value + "\": INDEX/TOTAL with 1 <= INDEX <= TOTAL";
          }
        }
        default -> {}
      }
      return null;
    } catch (NumberFormatException e) {
      return "invalid syntax for " + name().toLowerCase() + ": \"" + value + "\"";
    }
  }

  /** Go's strconv.ParseInt/ParseUint with base 0: 0x, 0o, 0b prefixes and underscores. */
  static void goInt(String s, int bits, boolean signed) {
    String v = s;
    boolean neg = false;
    if (signed && (v.startsWith("-") || v.startsWith("+"))) {
      neg = v.startsWith("-");
      v = v.substring(1);
    }
    int radix = 10;
    if (v.length() > 2 && v.charAt(0) == '0') {
      char p = Character.toLowerCase(v.charAt(1));
      if (p == 'x' || p == 'o' || p == 'b') {
        radix = p == 'x' ? 16 : p == 'o' ? 8 : 2;
        v = v.substring(2);
      }
    }
    if (v.contains("_")) {
      v = v.replace("_", "");
    }
    if (v.isEmpty() || v.startsWith("+") || v.startsWith("-")) {
      throw new NumberFormatException(s);
    }
    java.math.BigInteger n = new java.math.BigInteger(v, radix);
    if (neg) {
      n = n.negate();
    }
    java.math.BigInteger max =
        java.math.BigInteger.ONE
            .shiftLeft(signed ? bits - 1 : bits)
            .subtract(java.math.BigInteger.ONE);
    java.math.BigInteger min =
        signed ? java.math.BigInteger.ONE.shiftLeft(bits - 1).negate() : java.math.BigInteger.ZERO;
    if (n.compareTo(max) > 0 || n.compareTo(min) < 0) {
      throw new NumberFormatException(s);
    }
  }
}
