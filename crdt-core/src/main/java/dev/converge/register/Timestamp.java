package dev.converge.register;

import java.time.Instant;
import java.util.Objects;

/**
 * A hybrid logical clock stamp: wall-clock milliseconds since the epoch plus a logical counter,
 * packed in one {@code long} (Kulkarni, Demirbas et al., "Logical Physical Clocks", 2014; the
 * layout of CockroachDB's HLC, narrowed to 64 bits).
 *
 * <p>Bit layout of {@link #asLong()}:
 *
 * <pre>
 *  63  62                                            16 15                0
 * +---+------------------------------------------------+------------------+
 * | 0 |  physical: milliseconds since 1970-01-01T00:00Z |  logical counter |
 * +---+------------------------------------------------+------------------+
 *       47 bits, 0 .. {@link #MAX_MILLIS} (year 6429)    16 bits, 0 .. {@link #MAX_LOGICAL}
 * </pre>
 *
 * <p>Bit 63 is always 0, so every valid packed stamp is a non-negative {@code long}, a negative
 * {@code long} is never a stamp, and packed stamps compare as plain signed longs in the same order
 * as the timestamps ({@code a.compareTo(b) == Long.compare(a.asLong(), b.asLong())}). Incrementing
 * a packed stamp by one is the next stamp: the logical counter, carrying into the physical part
 * when the counter is full.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>immutable and thread-safe; equal by value;
 *   <li>totally ordered by physical time, then logical counter. This order is a total order on
 *       stamps, not a lattice order, so {@link Comparable} is the right interface here;
 *   <li>every factory validates its input and throws {@link IllegalArgumentException} naming the
 *       bad value: no invalid stamp exists.
 * </ul>
 *
 * <pre>{@code
 * Timestamp t = Timestamp.of(1_714_564_800_123L, 2);
 * t.toString();                        // 2024-05-01T12:00:00.123Z#2
 * t.asLong();                          // 1_714_564_800_123L << 16 | 2
 * Timestamp.fromLong(t.asLong());      // equals t
 * t.compareTo(Timestamp.of(1_714_564_800_123L, 3)) < 0;  // true
 * }</pre>
 *
 * <p>Stamps are normally issued by a {@link HybridLogicalClock}.
 */
public final class Timestamp implements Comparable<Timestamp> {

  /** Bits of the logical counter (the low bits of the packed form). */
  static final int LOGICAL_BITS = 16;

  /** The largest physical part: {@code 2^47 - 1} ms after the epoch, in the year 6429. */
  public static final long MAX_MILLIS = (1L << (63 - LOGICAL_BITS)) - 1;

  /** The largest logical counter: {@code 2^16 - 1 = 65535}. */
  public static final int MAX_LOGICAL = (1 << LOGICAL_BITS) - 1;

  /** The smallest stamp: the epoch, logical 0 (packed {@code 0L}). */
  public static final Timestamp MIN = new Timestamp(0L);

  /** The largest stamp: {@link #MAX_MILLIS}, logical {@link #MAX_LOGICAL} (packed {@link Long#MAX_VALUE}). */
  public static final Timestamp MAX = new Timestamp(Long.MAX_VALUE);

  private final long packed;

  private Timestamp(long packed) {
    this.packed = packed;
  }

  /**
   * The stamp with physical part {@code millis} and logical counter {@code logical}.
   *
   * @param millis milliseconds since the epoch, from 0 to {@link #MAX_MILLIS}
   * @param logical the logical counter, from 0 to {@link #MAX_LOGICAL}
   * @return the stamp
   * @throws IllegalArgumentException if {@code millis} or {@code logical} is out of range (the
   *     message shows the value and the range)
   */
  public static Timestamp of(long millis, int logical) {
    checkMillis(millis);
    if (logical < 0 || logical > MAX_LOGICAL) {
      throw new IllegalArgumentException(
          "logical counter must be in [0, " + MAX_LOGICAL + "], got " + logical);
    }
    return new Timestamp(millis << LOGICAL_BITS | logical);
  }

  /**
   * The stamp of a plain wall-clock reading: physical part {@code millis}, logical counter 0.
   *
   * @param millis milliseconds since the epoch, from 0 to {@link #MAX_MILLIS}
   * @return the stamp
   * @throws IllegalArgumentException if {@code millis} is out of range (the message shows it)
   */
  public static Timestamp ofMillis(long millis) {
    return of(millis, 0);
  }

  /**
   * The stamp whose packed form is {@code packed}: the inverse of {@link #asLong()}.
   *
   * @param packed a packed stamp, from 0 to {@link Long#MAX_VALUE}
   * @return the stamp
   * @throws IllegalArgumentException if {@code packed} is negative (bit 63 is set: not a stamp)
   */
  public static Timestamp fromLong(long packed) {
    if (packed < 0) {
      throw new IllegalArgumentException(
          "packed timestamp must be >= 0 (bit 63 is always 0), got " + packed
              + " (0x" + Long.toHexString(packed) + ")");
    }
    return new Timestamp(packed);
  }

  /** Throws unless {@code millis} is a valid physical part. */
  static void checkMillis(long millis) {
    if (millis < 0 || millis > MAX_MILLIS) {
      throw new IllegalArgumentException(
          "physical time must be in [0, " + MAX_MILLIS + "] ms since the epoch (up to "
              + Instant.ofEpochMilli(MAX_MILLIS) + "), got " + millis);
    }
  }

  /**
   * The packed form: physical milliseconds in bits 62..16, logical counter in bits 15..0.
   *
   * @return a non-negative {@code long}; packed stamps order like the stamps
   */
  public long asLong() {
    return packed;
  }

  /**
   * The physical part: wall-clock milliseconds since the epoch.
   *
   * @return from 0 to {@link #MAX_MILLIS}
   */
  public long physicalMillis() {
    return packed >>> LOGICAL_BITS;
  }

  /**
   * The logical counter, which orders stamps that share a physical part.
   *
   * @return from 0 to {@link #MAX_LOGICAL}
   */
  public int logical() {
    return (int) (packed & MAX_LOGICAL);
  }

  /**
   * The physical part as an instant (the logical counter is dropped).
   *
   * @return the instant {@link #physicalMillis()} ms after the epoch
   */
  public Instant toInstant() {
    return Instant.ofEpochMilli(physicalMillis());
  }

  /**
   * Whether this stamp comes after {@code other}.
   *
   * @param other the stamp to compare with
   * @return {@code true} when {@code compareTo(other) > 0}
   * @throws NullPointerException if {@code other} is {@code null}
   */
  public boolean isAfter(Timestamp other) {
    return compareTo(other) > 0;
  }

  /**
   * Whether this stamp comes before {@code other}.
   *
   * @param other the stamp to compare with
   * @return {@code true} when {@code compareTo(other) < 0}
   * @throws NullPointerException if {@code other} is {@code null}
   */
  public boolean isBefore(Timestamp other) {
    return compareTo(other) < 0;
  }

  /**
   * Orders by physical part, then logical counter: the order of {@link #asLong()}.
   *
   * @param other the stamp to compare with
   * @return negative, zero or positive as this stamp is before, equal to or after {@code other}
   * @throws NullPointerException if {@code other} is {@code null}
   */
  @Override
  public int compareTo(Timestamp other) {
    Objects.requireNonNull(other, "other");
    return Long.compare(packed, other.packed);
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof Timestamp && ((Timestamp) o).packed == packed);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(packed);
  }

  /**
   * Returns the ISO-8601 instant of the physical part and the logical counter after {@code #}, for
   * example {@code 2024-05-01T12:00:00.123Z#2}.
   */
  @Override
  public String toString() {
    return toInstant() + "#" + logical();
  }
}
