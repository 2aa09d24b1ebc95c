package dev.bulwark.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class ChunkerPolynomialTest {
  @Test
  void acceptsResticsKnownIrreduciblePolynomial() {
    assertThat(ChunkerPolynomial.isIrreducible(0x3da3358b4dc173L)).isTrue();
  }

  @Test
  void rejectsProductsOfPolynomials() {
    // (x^26 + x + 1) * (x^27 + x^2 + 1) has degree 53 but is reducible by construction.
    long a = (1L << 26) | 0b11;
    long b = (1L << 27) | 0b101;
    long product = 0;
    for (int i = 0; i < 64; i++) {
      if ((b >>> i & 1) != 0) {
        product ^= a << i;
      }
    }
    assertThat(ChunkerPolynomial.degree(product)).isEqualTo(53);
    assertThat(ChunkerPolynomial.isIrreducible(product)).isFalse();
    assertThat(ChunkerPolynomial.isIrreducible(0x3da3358b4dc173L ^ 1)).isFalse(); // divisible by x
  }

  @Test
  void randomPolynomialsHaveDegree53AndAreIrreducible() {
    SecureRandom r = new SecureRandom();
    for (int i = 0; i < 5; i++) {
      long p = ChunkerPolynomial.random(r);
      assertThat(ChunkerPolynomial.degree(p)).isEqualTo(53);
      assertThat(ChunkerPolynomial.isIrreducible(p)).isTrue();
      assertThat(ChunkerPolynomial.toHex(p)).matches("[0-9a-f]{14}");
    }
  }

  @Test
  void mulModAgreesWithSchoolbookMultiplication() {
    long p = 0x3da3358b4dc173L;
    SecureRandom r = new SecureRandom();
    for (int i = 0; i < 200; i++) {
      long a = r.nextLong() & ((1L << 26) - 1);
      long b = r.nextLong() & ((1L << 26) - 1);
      long product = 0;
      for (int k = 0; k < 26; k++) {
        if ((b >>> k & 1) != 0) {
          product ^= a << k;
        }
      }
      assertThat(ChunkerPolynomial.mulMod(a, b, p)).isEqualTo(ChunkerPolynomial.mod(product, p));
    }
  }
}
