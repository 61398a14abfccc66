package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Progress of one step of a tool (percent 0..100). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Progress {
  public String step;

  /** Written as a whole number when it is one ({@code br.pingcap.com} declares an integer). */
  @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = Percent.class)
  @io.fabric8.crd.generator.annotation.SchemaFrom(type = Double.class)
  public Double progress;

  public String lastTransitionTime;

  /** 45.0 as {@code 45}, 45.5 as {@code 45.5}. */
  public static final class Percent
      extends com.fasterxml.jackson.databind.ser.std.StdSerializer<Double> {
    public Percent() {
      super(Double.class);
    }

    @Override
    public void serialize(
        Double v,
        com.fasterxml.jackson.core.JsonGenerator gen,
        com.fasterxml.jackson.databind.SerializerProvider p)
        throws java.io.IOException {
      if (!v.isInfinite() && v == Math.rint(v) && Math.abs(v) < 1e15) {
        gen.writeNumber(v.longValue());
      } else {
        gen.writeNumber(v);
      }
    }
  }
}
