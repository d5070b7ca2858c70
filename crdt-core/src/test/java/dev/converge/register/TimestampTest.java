package dev.converge.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class TimestampTest {

  static final long MAY_2024 = Instant.parse("2024-05-01T12:00:00.123Z").toEpochMilli();

  @Test
  void of_packsMillisAboveSixteenLogicalBits() {
    assertEquals(0L, Timestamp.of(0, 0).asLong());
    assertEquals(1L, Timestamp.of(0, 1).asLong());
    assertEquals(1L << 16, Timestamp.of(1, 0).asLong());
    assertEquals(MAY_2024 << 16 | 7, Timestamp.of(MAY_2024, 7).asLong());
    assertEquals(Long.MAX_VALUE, Timestamp.of(Timestamp.MAX_MILLIS, Timestamp.MAX_LOGICAL).asLong());
    assertEquals(Long.MAX_VALUE, Timestamp.MAX.asLong());
    assertEquals(0L, Timestamp.MIN.asLong());
    assertEquals((1L << 47) - 1, Timestamp.MAX_MILLIS);
    assertEquals(65_535, Timestamp.MAX_LOGICAL);
  }

  @Test
  void fromLong_roundTripsEveryValidStamp() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 10_000; i++) {
      long millis = random.nextLong(Timestamp.MAX_MILLIS + 1);
      int logical = random.nextInt(Timestamp.MAX_LOGICAL + 1);
      Timestamp t = Timestamp.of(millis, logical);
      assertEquals(millis, t.physicalMillis());
      assertEquals(logical, t.logical());
      assertEquals(t, Timestamp.fromLong(t.asLong()));
      long packed = random.nextLong(Long.MAX_VALUE) + (random.nextBoolean() ? 1 : 0);
      assertEquals(packed, Timestamp.fromLong(packed).asLong());
    }
    assertEquals(Timestamp.MAX, Timestamp.fromLong(Long.MAX_VALUE));
    assertEquals(Timestamp.MIN, Timestamp.fromLong(0));
  }

  @Test
  void compareTo_ordersByMillisThenLogical_likeThePackedLong() {
    Timestamp a = Timestamp.of(1_000, 5);
    Timestamp b = Timestamp.of(1_000, 6);
    Timestamp c = Timestamp.of(1_001, 0);
    assertTrue(a.compareTo(b) < 0 && b.compareTo(c) < 0 && a.compareTo(c) < 0);
    assertTrue(c.isAfter(a) && a.isBefore(c) && !a.isAfter(a) && !a.isBefore(a));
    assertEquals(0, a.compareTo(Timestamp.of(1_000, 5)));
    assertTrue(Timestamp.of(1_000, Timestamp.MAX_LOGICAL).isBefore(Timestamp.of(1_001, 0)));
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 10_000; i++) {
      Timestamp x = Timestamp.fromLong(random.nextLong(Long.MAX_VALUE));
      Timestamp y = Timestamp.fromLong(random.nextLong(Long.MAX_VALUE));
      int expected = x.physicalMillis() != y.physicalMillis()
          ? Long.compare(x.physicalMillis(), y.physicalMillis())
          : Integer.compare(x.logical(), y.logical());
      assertEquals(Integer.signum(expected), Integer.signum(x.compareTo(y)), x + " vs " + y);
      assertEquals(Integer.signum(Long.compare(x.asLong(), y.asLong())), Integer.signum(x.compareTo(y)));
    }
  }

  @Test
  void ofMillis_andToInstant_readTheWallClockPart() {
    Timestamp t = Timestamp.ofMillis(MAY_2024);
    assertEquals(Timestamp.of(MAY_2024, 0), t);
    assertEquals(Instant.parse("2024-05-01T12:00:00.123Z"), t.toInstant());
    assertEquals(0, t.logical());
  }

  @Test
  void toString_isIsoInstantAndLogical() {
    assertEquals("2024-05-01T12:00:00.123Z#2", Timestamp.of(MAY_2024, 2).toString());
    assertEquals("1970-01-01T00:00:00Z#0", Timestamp.MIN.toString());
    assertEquals("1970-01-01T00:00:00.001Z#65535", Timestamp.of(1, 65_535).toString());
    assertEquals("6429-10-17T02:45:55.327Z#65535", Timestamp.MAX.toString());
  }

  @Test
  void equalsAndHashCode_byValue() {
    assertEquals(Timestamp.of(5, 1), Timestamp.fromLong(5L << 16 | 1));
    assertEquals(Timestamp.of(5, 1).hashCode(), Timestamp.fromLong(5L << 16 | 1).hashCode());
    assertNotEquals(Timestamp.of(5, 1), Timestamp.of(5, 2));
    assertNotEquals(Timestamp.of(5, 1), Timestamp.of(6, 1));
    assertNotEquals(Timestamp.of(5, 1), (Object) (5L << 16 | 1));
  }

  @Test
  void of_negativeMillis_throwsWithTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Timestamp.of(-1, 0));
    assertTrue(e.getMessage().contains("got -1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Timestamp.ofMillis(Long.MIN_VALUE));
  }

  @Test
  void of_farFutureMillis_throwsWithTheValueAndTheRange() {
    long tooFar = Timestamp.MAX_MILLIS + 1;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Timestamp.of(tooFar, 0));
    assertTrue(e.getMessage().contains("got " + tooFar), e.getMessage());
    assertTrue(e.getMessage().contains(String.valueOf(Timestamp.MAX_MILLIS)), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Timestamp.ofMillis(Long.MAX_VALUE));
  }

  @Test
  void of_logicalOutOfRange_throwsWithTheValue() {
    IllegalArgumentException high = assertThrows(IllegalArgumentException.class, () -> Timestamp.of(0, 65_536));
    assertTrue(high.getMessage().contains("got 65536") && high.getMessage().contains("65535"), high.getMessage());
    IllegalArgumentException low = assertThrows(IllegalArgumentException.class, () -> Timestamp.of(0, -1));
    assertTrue(low.getMessage().contains("got -1"), low.getMessage());
  }

  @Test
  void fromLong_negative_throwsWithTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Timestamp.fromLong(-5));
    assertTrue(e.getMessage().contains("got -5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Timestamp.fromLong(Long.MIN_VALUE));
  }

  @Test
  void compareTo_null_throws() {
    Timestamp t = Timestamp.MIN;
    assertThrows(NullPointerException.class, () -> t.compareTo(null));
    assertThrows(NullPointerException.class, () -> t.isAfter(null));
    assertThrows(NullPointerException.class, () -> t.isBefore(null));
    assertFalse(t.equals(null));
  }
}
